"""Boards, organisations, people and seats change only through the services: validated, locked,
written and audited (each changed field before and after) in one transaction."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from governance import services
from governance.exceptions import DomainError
from governance.models import (
    AuditEntry,
    AuditLogIsAppendOnly,
    Board,
    Organisation,
    Role,
    Seat,
    User,
)
from tests.factories import BoardFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date


def entries(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_board_create_update_and_delete_leave_entries_with_before_and_after(cast):
    board = services.board_create(
        actor=cast.sam, name="Finance Board", slug="finance", quorum_count=3, timezone="UTC"
    )
    (created,) = entries("board.create")
    assert created.board == board and created.actor == cast.sam
    assert created.changes["name"] == [None, "Finance Board"]

    services.board_update(board=board, actor=cast.sam, quorum_count=4, name="Finance")
    (updated,) = entries("board.update")
    assert updated.changes == {"name": ["Finance Board", "Finance"], "quorum_count": [3, 4]}
    assert "quorum count" in updated.summary

    # A board with a history stays: its audit log refers to it.
    with pytest.raises(services.RecordInUse, match="audit entries"):
        services.board_delete(board=board, actor=cast.sam)
    assert Board.objects.filter(pk=board.pk).exists()


def test_an_update_that_changes_nothing_writes_no_entry(cast):
    services.board_update(board=cast.board, actor=cast.sam, name=cast.board.name)
    services.seat_update(seat=Seat.objects.get(person=cast.victor), actor=cast.sam, ends_on=None)
    assert not AuditEntry.objects.exists()


def test_organisation_create_end_and_delete_are_audited(cast):
    hooli = services.organisation_create(
        actor=cast.sam, board=cast.board, name="Hooli", joined_on=D(2024, 1, 1)
    )
    services.organisation_end(organisation=hooli, left_on=D(2025, 6, 30), actor=cast.sam)
    (ended,) = entries("organisation.update")
    assert ended.changes == {"left_on": [None, "2025-06-30"]}
    assert ended.board == cast.board

    hooli_id = hooli.pk
    services.organisation_delete(organisation=hooli, actor=cast.sam)
    (deleted,) = entries("organisation.delete")
    assert deleted.changes["name"] == ["Hooli", None]
    assert (deleted.target_type, deleted.target_id) == ("governance.organisation", str(hooli_id))
    assert not Organisation.objects.filter(name="Hooli").exists()


def test_an_organisation_with_seats_is_not_deleted(cast):
    with pytest.raises(services.RecordInUse, match=r"Acme Corporation cannot be deleted.*2 seats"):
        services.organisation_delete(organisation=cast.acme, actor=cast.sam)
    assert Organisation.objects.filter(pk=cast.acme.pk).exists()
    assert not AuditEntry.objects.exists()


def test_an_organisation_stays_on_its_board(cast):
    cast.acme.board = cast.other_board
    with pytest.raises(services.InvalidRecord, match="stays on its board"):
        services.organisation_save(organisation=cast.acme, actor=cast.sam)


def test_person_name_and_email_changes_are_audited_never_the_password(cast):
    person = services.person_create(
        actor=cast.sam, email="Dora@Example.org ", full_name="Dora", password="s3cret-enough"
    )
    assert person.email == "dora@example.org"
    assert person.check_password("s3cret-enough")
    services.person_update(
        person=person, actor=cast.sam, full_name="Dora Explorer", email="dora@example.com"
    )
    created, updated = entries("person.create") + entries("person.update")
    assert "password" not in created.changes and "password" not in updated.changes
    assert updated.changes == {
        "email": ["dora@example.org", "dora@example.com"],
        "full_name": ["Dora", "Dora Explorer"],
    }
    assert updated.board is None
    services.person_set_password(person=person, password="another-one", actor=cast.sam)
    (password,) = entries("person.password")
    assert password.changes == {} and "another-one" not in str(password.data)


def test_person_email_taken_whatever_its_capitals_is_refused(cast):
    with pytest.raises(services.InvalidRecord, match="already"):
        services.person_create(actor=cast.sam, email="VICTOR@example.org", full_name="Impostor")
    assert User.objects.filter(email__iexact="victor@example.org").count() == 1


def test_passwords_do_not_change_through_person_update(cast):
    with pytest.raises(services.InvalidRecord, match="password form"):
        services.person_update(person=cast.victor, actor=cast.sam, password="x")


def test_a_person_with_seats_or_history_is_ended_not_deleted(cast):
    with pytest.raises(services.RecordInUse, match="1 seat"):
        services.person_delete(person=cast.victor, actor=cast.sam)
    services.person_end(person=cast.victor, actor=cast.sam)
    cast.victor.refresh_from_db()
    assert not cast.victor.is_active
    (ended,) = entries("person.update")
    assert ended.changes == {"is_active": [True, False]}
    # Sam acted, so the log names Sam: Sam stays too.
    with pytest.raises(services.RecordInUse, match="audit entr"):
        services.person_delete(person=cast.sam, actor=cast.alice)


def test_a_new_person_with_no_record_may_be_deleted(cast):
    person = services.person_create(actor=cast.sam, email="temp@example.org", full_name="Temp")
    services.person_delete(person=person, actor=cast.sam)
    assert not User.objects.filter(email="temp@example.org").exists()
    assert entries("person.delete")[0].changes["email"] == ["temp@example.org", None]


def test_seat_create_end_and_delete_are_audited(cast):
    newcomer = UserFactory(full_name="Nina Newcomer")
    seat = services.seat_create(
        actor=cast.sam,
        board=cast.board,
        person=newcomer,
        organisation=cast.initech,
        role=Role.ALTERNATE,
        starts_on=D(2024, 1, 1),
    )
    services.seat_end(seat=seat, ends_on=D(2024, 12, 31), actor=cast.sam)
    services.seat_delete(seat=seat, actor=cast.sam)
    created, updated, deleted = (
        entries("seat.create") + entries("seat.update") + entries("seat.delete")
    )
    assert created.changes["role"] == [None, "alternate"]
    assert updated.changes == {"ends_on": [None, "2024-12-31"]}
    assert deleted.changes["person_id"] == [newcomer.pk, None]
    assert {created.board, updated.board, deleted.board} == {cast.board}


def test_a_second_voting_representative_is_refused_and_nothing_is_stored(cast):
    before = Seat.objects.count()
    with pytest.raises(services.SeatConflict, match="Victor Voter is already the voting"):
        services.seat_create(
            actor=cast.sam,
            board=cast.board,
            person=cast.nora,
            organisation=cast.acme,
            role=Role.VOTING,
            starts_on=D(2024, 6, 1),
        )
    assert Seat.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_seat_cannot_end_before_it_starts(cast):
    seat = Seat.objects.get(person=cast.victor)
    with pytest.raises(services.SeatConflict, match="cannot end before"):
        services.seat_end(seat=seat, ends_on=D(2019, 12, 31), actor=cast.sam)
    seat.refresh_from_db()
    assert seat.ends_on is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"currency": "usd"}, "ISO 4217"),
        ({"timezone": "Mars/Olympus"}, "not a known time zone"),
        ({"quorum_count": None}, "fixed quorum"),
        ({"slug": "test-board"}, "already exists"),
    ],
)
def test_a_board_with_bad_input_is_refused_with_words(cast, bad, message):
    details = {"name": "New", "slug": "new", "quorum_count": 2} | bad
    with pytest.raises(services.InvalidRecord, match=message):
        services.board_create(actor=cast.sam, **details)
    assert not Board.objects.filter(name="New").exists()
    assert not AuditEntry.objects.exists()


def test_refusals_share_the_domain_error_base(cast):
    assert issubclass(services.SeatConflict, DomainError)
    assert issubclass(services.RecordInUse, DomainError)
    assert issubclass(AuditLogIsAppendOnly, DomainError)


# -- Several seats saved together ----------------------------------------------------------------


def voting_seat(organisation, person, starts_on, ends_on=None):
    return Seat(
        board=organisation.board,
        organisation=organisation,
        person=person,
        role=Role.VOTING,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_two_new_voting_seats_for_one_organisation_in_one_save_are_refused_naming_both():
    hooli = OrganisationFactory(name="Hooli", short_name="Hooli")
    gavin, richard = (
        UserFactory(full_name="Gavin Belson"),
        UserFactory(full_name="Richard Hendricks"),
    )
    rows = [
        voting_seat(hooli, gavin, D(2024, 1, 1)),
        voting_seat(hooli, richard, D(2024, 6, 1), D(2024, 12, 31)),
    ]
    with pytest.raises(services.SeatConflict) as refusal:
        services.seats_save(seats=rows, actor=None)
    assert "Gavin Belson" in refusal.value.message and "Richard Hendricks" in refusal.value.message
    assert "in this save" in refusal.value.message
    assert not Seat.objects.filter(organisation=hooli).exists()
    assert not AuditEntry.objects.exists()


def test_one_save_may_end_a_seat_and_seat_the_successor(cast):
    victor_seat = Seat.objects.get(person=cast.victor)
    victor_seat.ends_on = D(2024, 6, 30)
    successor = voting_seat(cast.acme, cast.nora, D(2024, 7, 1))
    # Nora's other seat (Globex) ends too, so she represents one organisation at a time.
    nora_globex = Seat.objects.get(person=cast.nora)
    nora_globex.ends_on = D(2024, 6, 30)
    services.seats_save(seats=[successor, victor_seat, nora_globex], actor=cast.sam)
    assert services.seats_check(seats=[successor]) == {}
    assert len(entries("seat.update")) == 2 and len(entries("seat.create")) == 1


def test_a_seat_removed_in_the_same_save_makes_room(cast):
    victor_seat = Seat.objects.get(person=cast.victor)
    successor = voting_seat(cast.acme, UserFactory(), D(2024, 1, 1))
    services.seats_save(seats=[successor], removed=[victor_seat], actor=cast.sam)
    assert list(Seat.objects.filter(organisation=cast.acme, role=Role.VOTING)) == [successor]


def test_one_person_twice_as_chair_in_one_save_is_refused():
    board = BoardFactory()
    person = UserFactory(full_name="Carla Chair")
    rows = [
        Seat(board=board, person=person, role=Role.CHAIR, starts_on=D(2024, 1, 1)),
        Seat(board=board, person=person, role=Role.CHAIR, starts_on=D(2024, 3, 1)),
    ]
    with pytest.raises(services.SeatConflict, match="Carla Chair also holds a chair seat"):
        services.seats_save(seats=rows, actor=None)


def test_one_person_for_two_organisations_in_one_save_is_refused():
    board = BoardFactory()
    first, second = OrganisationFactory(board=board), OrganisationFactory(board=board)
    person = UserFactory(full_name="Pat Double")
    rows = [
        Seat(
            board=board,
            person=person,
            organisation=first,
            role=Role.MEMBER,
            starts_on=D(2024, 1, 1),
        ),
        Seat(
            board=board,
            person=person,
            organisation=second,
            role=Role.ALTERNATE,
            starts_on=D(2024, 1, 1),
        ),
    ]
    with pytest.raises(services.SeatConflict, match="one organisation at a time"):
        services.seats_save(seats=rows, actor=None)


# -- The audit log is append-only ----------------------------------------------------------------


def test_audit_entries_are_never_changed_or_deleted(cast):
    services.board_update(board=cast.board, actor=cast.sam, quorum_count=3)
    entry = AuditEntry.objects.get()
    entry.summary = "Nothing happened."
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.summary.startswith("Changed the board")


def test_the_demo_loads_through_the_services_and_again_logs_nothing():
    call_command("demo", no_serve=True)
    assert AuditEntry.objects.filter(action="board.create").count() == 1
    assert AuditEntry.objects.filter(action="seat.create").count() >= 16
    governance_entries = AuditEntry.objects.filter(
        action__regex=r"^(board|organisation|person|seat)\."
    ).count()
    call_command("demo", no_serve=True)
    assert (
        AuditEntry.objects.filter(action__regex=r"^(board|organisation|person|seat)\.").count()
        == governance_entries
    )


def test_an_unknown_field_is_a_refusal_not_silence(cast):
    with pytest.raises(services.InvalidRecord, match="no field quorum"):
        services.board_update(board=cast.board, actor=cast.sam, quorum=3)
    assert not AuditEntry.objects.exists()


def test_a_person_changing_their_own_profile_is_audited(cast, client_for):
    client = client_for(cast.nora)
    response = client.post(
        reverse("profile"),
        {"full_name": "Nora North", "affiliation": "", "timezone": "Europe/Oslo"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.actor == cast.nora and entry.target_id == str(cast.nora.pk)
    assert entry.changes == {
        "full_name": ["Nora Nonvoting", "Nora North"],
        "timezone": ["", "Europe/Oslo"],
    }
