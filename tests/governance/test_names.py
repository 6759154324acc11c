"""Names are text a reader can see: one rule (governance.text) for the profile page, the admin and
the services, and no one renames themselves into someone else on their board."""

import pytest
from django.urls import reverse

from governance import services, text
from governance.models import AuditEntry, Board, Organisation, User
from governance.text import clean_name, name_key, name_refusal, normalized_text

pytestmark = pytest.mark.django_db

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"

UNREADABLE = [
    ("\u200b\u200b", text.NAME_INVISIBLE),  # zero-width spaces
    ("\ufeff\u2060\u00ad", text.NAME_INVISIBLE),  # BOM, word joiner, soft hyphen
    ("\u3164\u3164", text.NAME_INVISIBLE),  # Hangul fillers draw nothing
    ("\u0301\u0301", text.NAME_INVISIBLE),  # combining accents alone
    ("...", text.NAME_INVISIBLE),
    (f"Alice {RLO}riahC", text.NAME_HAS_BIDI),
    (f"{LRI}Victor{PDI}", text.NAME_HAS_BIDI),
    ("\u202aAlan", text.NAME_HAS_BIDI),
    ("Nora\x00", text.NAME_HAS_CONTROL),
    ("Nora\x1b[31m", text.NAME_HAS_CONTROL),
    ("Nora\x7f", text.NAME_HAS_CONTROL),
    ("Nora\x9b", text.NAME_HAS_CONTROL),  # C1 control
]


@pytest.mark.parametrize(("name", "refusal"), UNREADABLE)
def test_unreadable_names_are_refused_with_words(name, refusal):
    assert name_refusal(normalized_text(name)) == refusal


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Ada   Lovelace ", "Ada Lovelace"),
        ("Ada\tLovelace\n", "Ada Lovelace"),
        ("Ada\u2028Lovelace", "Ada Lovelace"),  # line separator
        ("Ade\u0301le", "Adèle".replace("è", "é")),  # composed (NFC)
        ("\u5f20\u4f1f", "\u5f20\u4f1f"),
        ("\u0645\u062d\u0645\u062f", "\u0645\u062d\u0645\u062f"),  # Arabic, no override needed
        ("\u0930\u093e\u092e\u200d", "\u0930\u093e\u092e\u200d"),  # a joiner inside a name stays
        ("3M", "3M"),
    ],
)
def test_readable_names_are_normalised_and_kept(typed, kept):
    assert clean_name(typed) == kept


def test_names_compare_without_case_accents_or_invisible_characters():
    assert name_key("Álice\u200b  CHAIR") == name_key("alice chair")
    assert name_key("Ａｌｉｃｅ Chair") == name_key("Alice Chair")  # full-width letters
    assert name_key("Alice Chair") != name_key("Alice Chairs")
    # Cyrillic А, і and С; Greek Α and ο: drawn like the Latin letters they stand in for.
    assert name_key("\u0410l\u0456ce \u0421hair") == name_key("Alice Chair")
    assert name_key("\u0391lice Chair") == name_key("Alice Chair")
    assert name_key("D\u03bfn Dugger") == name_key("Don Dugger")
    # A name written in Cyrillic stays its own name.
    assert name_key("Олег Петров") != name_key("Oleg Petrov")


# -- The same words from the profile page, the admin and the services ----------------------------


def profile_post(client, full_name, affiliation=""):
    return client.post(
        reverse("profile"), {"full_name": full_name, "affiliation": affiliation, "timezone": ""}
    )


@pytest.mark.parametrize(("name", "refusal"), UNREADABLE)
def test_the_profile_page_refuses_an_unreadable_name(cast, client_for, name, refusal):
    response = profile_post(client_for(cast.nora), name)
    assert response.status_code == 200
    assert refusal in response.content.decode()
    cast.nora.refresh_from_db()
    assert cast.nora.full_name == "Nora Nonvoting"
    assert not AuditEntry.objects.exists()


def test_the_profile_page_refuses_an_override_in_the_affiliation(cast, client_for):
    response = profile_post(client_for(cast.nora), "Nora Nonvoting", f"{RLO}xobmU")
    assert text.NAME_HAS_BIDI in response.content.decode()


def test_the_profile_page_keeps_a_name_normalised(cast, client_for):
    response = profile_post(client_for(cast.nora), "  Nora \t North ")
    assert response.status_code == 302
    cast.nora.refresh_from_db()
    assert cast.nora.full_name == "Nora North"


@pytest.mark.parametrize(("name", "refusal"), UNREADABLE)
def test_the_services_refuse_an_unreadable_name_in_the_same_words(cast, name, refusal):
    with pytest.raises(services.InvalidRecord) as refused:
        services.person_update(person=cast.nora, actor=cast.sam, full_name=name)
    assert refused.value.message == refusal
    with pytest.raises(services.InvalidRecord, match="visible|override|control"):
        services.organisation_create(actor=cast.sam, board=cast.board, name=name)
    with pytest.raises(services.InvalidRecord, match="visible|override|control"):
        services.organisation_update(organisation=cast.acme, actor=cast.sam, short_name=name)
    with pytest.raises(services.InvalidRecord, match="visible|override|control"):
        services.board_create(actor=cast.sam, name=name, slug="hostile")
    with pytest.raises(services.InvalidRecord, match="visible|override|control"):
        services.person_create(actor=cast.sam, email="new@example.org", full_name=name)
    assert not AuditEntry.objects.exists()
    assert not Board.objects.filter(slug="hostile").exists()


def test_the_services_store_names_normalised(cast):
    organisation = services.organisation_create(
        actor=cast.sam, board=cast.board, name="  Hooli \n Inc ", short_name=" Hooli "
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.short_name) == ("Hooli Inc", "Hooli")
    person = services.person_create(actor=cast.sam, email="e@example.org", full_name="E\u0301mile ")
    assert User.objects.get(pk=person.pk).full_name == "\u00c9mile"


def test_the_admin_refuses_an_unreadable_name_in_the_same_words(cast, client_for):
    admin = User.objects.create_superuser("root@example.org", "x", full_name="Root")
    response = client_for(admin).post(
        reverse("admin:governance_organisation_add"),
        {"board": cast.board.pk, "name": f"Evil{RLO}", "membership_class": "silver"},
    )
    assert response.status_code == 200
    assert text.NAME_HAS_BIDI in response.content.decode()
    assert not Organisation.objects.filter(name__startswith="Evil").exists()


# -- Renaming oneself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "taken",
    [
        "Alice Chair",
        "alice chair",
        "ÁLICE  CHAIR",
        "Alice\u200b Chair",
        "Ａｌｉｃｅ Chair",
        "\u0410l\u0456ce \u0421hair",
    ],
)
def test_a_member_cannot_rename_themselves_to_someone_on_their_board(cast, client_for, taken):
    response = profile_post(client_for(cast.victor), taken)
    assert response.status_code == 200
    assert "Alice Chair already sits on one of your boards under this name" in (
        response.content.decode()
    )
    cast.victor.refresh_from_db()
    assert cast.victor.full_name == "Victor Voter"
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_a_namesake_whoever_asks(cast):
    with pytest.raises(services.NameTaken, match="Greta Globex already sits"):
        services.person_update(person=cast.victor, actor=cast.sam, full_name="greta globex")


def test_a_name_used_only_on_another_board_is_free(cast, client_for):
    response = profile_post(client_for(cast.victor), "Olga Outsider")
    assert response.status_code == 302
    cast.victor.refresh_from_db()
    assert cast.victor.full_name == "Olga Outsider"


def test_a_former_member_still_counts_as_a_namesake(cast):
    """The record still names people whose seats have ended."""
    seat = cast.nora.seats.get()
    services.seat_end(seat=seat, ends_on=seat.starts_on, actor=cast.sam)
    with pytest.raises(services.NameTaken):
        services.person_update(person=cast.victor, actor=cast.sam, full_name="Nora Nonvoting")


def test_changing_the_case_of_ones_own_name_is_allowed_and_audited(cast, client_for):
    response = profile_post(client_for(cast.victor), "victor voter")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.actor == cast.victor
    assert entry.changes == {"full_name": ["Victor Voter", "victor voter"]}


def test_a_rename_is_audited_with_before_and_after(cast, client_for):
    profile_post(client_for(cast.victor), "Victor Q. Voter")
    entry = AuditEntry.objects.get(action="person.update", target_id=str(cast.victor.pk))
    assert entry.actor == cast.victor
    assert entry.changes["full_name"] == ["Victor Voter", "Victor Q. Voter"]


def test_a_rename_shows_in_the_log_of_every_board_the_person_sits_on(cast, client_for):
    profile_post(client_for(cast.victor), "Victor Q. Voter")
    told = AuditEntry.objects.filter(action="person.rename")
    assert [(entry.board, entry.actor) for entry in told] == [(cast.board, cast.victor)]
    assert told.get().summary == "Victor Voter is now called Victor Q. Voter."
    assert told.get().changes == {"full_name": ["Victor Voter", "Victor Q. Voter"]}


def test_a_change_that_keeps_the_name_tells_no_board(cast, client_for):
    profile_post(client_for(cast.victor), "Victor Voter", "Acme Labs")
    assert AuditEntry.objects.filter(action="person.update").exists()
    assert not AuditEntry.objects.filter(action="person.rename").exists()
