"""The admin is a caller of the governance services: every save and delete is checked, locked and
audited there, a refused save says why on the form (never a 500) and stores nothing."""

import datetime as dt

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from governance.admin import SeatInlineFormSet
from governance.models import AuditEntry, Board, Organisation, Role, Seat, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(cast, client_for):
    cast.sam.is_staff = True
    cast.sam.is_superuser = True
    cast.sam.save()
    return client_for(cast.sam)


def form_data(response) -> dict:
    """What the admin page would post back untouched: its form and every inline row."""
    data: dict = {}

    def add(form):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            bound = form[name]
            value = bound.value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            data[bound.html_name] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{total + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def row_of(data: dict, prefix: str, seat: Seat) -> str:
    """The form prefix of `seat`'s row, e.g. 'seats-1'."""
    for key, value in data.items():
        if key.startswith(prefix) and key.endswith("-id") and value == str(seat.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"{seat} has no row")


def voting_row(person, starts_on, ends_on="", **extra) -> dict:
    return {
        "person": str(person.pk),
        "role": Role.VOTING,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "note": "",
        **extra,
    }


def stored():
    return (Seat.objects.count(), AuditEntry.objects.count(), Organisation.objects.count())


# -- Defect 2: one save with two overlapping voting seats -----------------------------------------


def test_new_organisation_with_two_overlapping_voting_seats_is_refused_and_nothing_stored(
    cast, secretary
):
    url = reverse("admin:governance_organisation_add")
    data = form_data(secretary.get(url))
    data |= {"board": str(cast.board.pk), "name": "Hooli", "short_name": "Hooli"}
    gavin, richard = UserFactory(full_name="Gavin Belson"), UserFactory(full_name="Richard Roe")
    add_rows(
        data,
        "seats",
        [
            voting_row(gavin, "2024-01-01", board=str(cast.board.pk)),
            voting_row(richard, "2024-06-01", "2024-12-31", board=str(cast.board.pk)),
        ],
    )
    before = stored()
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "is also the voting representative of Hooli" in response.text
    assert "Gavin Belson" in response.text and "Richard Roe" in response.text
    assert stored() == before


def test_ending_a_seat_and_adding_two_overlapping_successors_is_refused(cast, secretary):
    url = reverse("admin:governance_organisation_change", args=[cast.acme.pk])
    data = form_data(secretary.get(url))
    victor = row_of(data, "seats", Seat.objects.get(person=cast.victor))
    data[f"{victor}-ends_on"] = "2023-12-31"
    board = {"board": str(cast.board.pk)}
    add_rows(
        data,
        "seats",
        [
            voting_row(UserFactory(full_name="Gary Gold"), "2024-01-01", **board),
            voting_row(UserFactory(full_name="Hank Hill"), "2024-03-01", **board),
        ],
    )
    before = stored()
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "in this save" in response.text
    assert stored() == before
    assert Seat.objects.get(person=cast.victor).ends_on is None


def test_ending_a_seat_and_seating_the_successor_in_one_save_is_audited(cast, secretary):
    url = reverse("admin:governance_organisation_change", args=[cast.acme.pk])
    data = form_data(secretary.get(url))
    victor = row_of(data, "seats", Seat.objects.get(person=cast.victor))
    data[f"{victor}-ends_on"] = "2024-06-30"
    successor = UserFactory(full_name="Sue Successor")
    add_rows(data, "seats", [voting_row(successor, "2024-07-01", board=str(cast.board.pk))])
    response = secretary.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    ended = AuditEntry.objects.get(action="seat.update")
    assert ended.changes == {"ends_on": [None, "2024-06-30"]} and ended.actor == cast.sam
    created = AuditEntry.objects.get(action="seat.create")
    assert created.changes["person_id"] == [None, successor.pk]
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_a_save_the_form_let_through_is_refused_by_the_service_with_a_message(
    cast, secretary, monkeypatch
):
    """Another save got in between the form's check and the write: the service, checking
    again under its lock, refuses; the page says so and nothing of the save is kept."""
    monkeypatch.setattr(SeatInlineFormSet, "clean", lambda formset: None)
    url = reverse("admin:governance_organisation_change", args=[cast.acme.pk])
    data = form_data(secretary.get(url))
    data["short_name"] = "ACME"
    add_rows(data, "seats", [voting_row(cast.nora, "2024-01-01", board=str(cast.board.pk))])
    before = stored()
    response = secretary.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Nothing was saved." in response.text
    # The message quotes the short name as the refused save had it (ACME); it was not kept.
    assert "already the voting representative of ACME" in response.text
    assert stored() == before
    cast.acme.refresh_from_db()
    assert cast.acme.short_name == "Acme"


# -- Defect 5: boards, organisations, people and seats leave entries -------------------------------


def test_board_change_in_the_admin_is_audited_field_by_field(cast, secretary):
    url = reverse("admin:governance_board_change", args=[cast.board.pk])
    data = form_data(secretary.get(url))
    data["quorum_count"] = "3"
    data["description"] = "Steers the project."
    response = secretary.post(url, data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="board.update")
    assert entry.changes == {
        "description": ["", "Steers the project."],
        "quorum_count": [2, 3],
    }
    assert entry.actor == cast.sam and entry.board == cast.board
    assert AuditEntry.objects.count() == 1  # untouched inline rows write nothing


def test_an_organisation_the_record_refers_to_is_not_deleted_from_the_board_inline(cast, secretary):
    url = reverse("admin:governance_board_change", args=[cast.board.pk])
    data = form_data(secretary.get(url))
    for key, value in list(data.items()):
        if key.startswith("organisations-") and key.endswith("-id") and value == str(cast.acme.pk):
            data[key.replace("-id", "-DELETE")] = "on"
    before = stored()
    response = secretary.post(url, data)
    assert response.status_code == 200
    # The admin's own protection answers first, in words; the formset would refuse otherwise.
    assert "Deleting organisation Acme Corporation would require deleting" in response.text
    assert stored() == before


def test_organisation_added_and_deleted_in_the_admin_is_audited(cast, secretary):
    url = reverse("admin:governance_organisation_add")
    data = form_data(secretary.get(url))
    data |= {"board": str(cast.board.pk), "name": "Hooli", "short_name": "Hooli"}
    assert secretary.post(url, data).status_code == 302
    hooli = Organisation.objects.get(name="Hooli")
    assert AuditEntry.objects.get(action="organisation.create").target_id == str(hooli.pk)
    response = secretary.post(
        reverse("admin:governance_organisation_delete", args=[hooli.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="Hooli").exists()
    assert AuditEntry.objects.get(action="organisation.delete").changes["name"] == ["Hooli", None]


def test_deleting_an_organisation_with_seats_is_refused_in_words(cast, secretary):
    url = reverse("admin:governance_organisation_delete", args=[cast.acme.pk])
    before = stored()
    page = secretary.get(url)
    assert "Cannot delete" in page.text or "cannot be deleted" in page.text
    response = secretary.post(url, {"post": "yes"}, follow=True)
    assert response.status_code in (200, 403)
    assert stored() == before


def test_person_name_and_email_changed_in_the_admin_are_audited(cast, secretary):
    url = reverse("admin:governance_user_change", args=[cast.victor.pk])
    data = form_data(secretary.get(url))
    data["full_name"] = "Victor Vance"
    data["email"] = "Victor.Vance@Example.org"
    response = secretary.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {
        "email": ["victor@example.org", "victor.vance@example.org"],
        "full_name": ["Victor Voter", "Victor Vance"],
    }
    assert entry.target_id == str(cast.victor.pk) and entry.actor == cast.sam


def test_person_admin_groups_changed_in_the_admin_are_audited(cast, secretary):
    from django.contrib.auth.models import Group

    officers = Group.objects.create(name="Officers")
    url = reverse("admin:governance_user_change", args=[cast.victor.pk])
    data = form_data(secretary.get(url))
    data["groups"] = [str(officers.pk)]
    assert secretary.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="person.access")
    assert entry.changes == {"groups": [[], ["Officers"]]}
    assert list(cast.victor.groups.all()) == [officers]


def test_password_set_in_the_admin_is_audited_without_the_password(cast, secretary):
    url = reverse("admin:auth_user_password_change", args=[cast.victor.pk])
    response = secretary.post(
        url,
        {
            "usable_password": "true",
            "password1": "a fresh long passphrase",
            "password2": "a fresh long passphrase",
        },
    )
    assert response.status_code == 302
    cast.victor.refresh_from_db()
    assert cast.victor.check_password("a fresh long passphrase")
    entry = AuditEntry.objects.get(action="person.password")
    assert entry.actor == cast.sam and entry.target_id == str(cast.victor.pk)
    assert "passphrase" not in str(entry.changes) + str(entry.data) + entry.summary


def test_person_added_in_the_admin_is_audited_without_the_password(cast, secretary):
    url = reverse("admin:governance_user_add")
    data = form_data(secretary.get(url))
    data |= {
        "email": "dora@example.org",
        "full_name": "Dora",
        "usable_password": "true",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    response = secretary.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.changes["email"] == [None, "dora@example.org"]
    assert "password" not in entry.changes
    assert User.objects.get(email="dora@example.org").check_password("a long enough passphrase")


def test_seat_added_and_ended_in_the_seat_admin_is_audited(cast, secretary):
    url = reverse("admin:governance_seat_add")
    data = form_data(secretary.get(url))
    newcomer = UserFactory()
    data |= {
        "board": str(cast.board.pk),
        "person": str(newcomer.pk),
        "organisation": str(cast.initech.pk),
        "role": Role.ALTERNATE,
        "starts_on": "2024-01-01",
    }
    assert secretary.post(url, data).status_code == 302
    seat = Seat.objects.get(person=newcomer)
    url = reverse("admin:governance_seat_change", args=[seat.pk])
    data = form_data(secretary.get(url))
    data["ends_on"] = "2024-12-31"
    assert secretary.post(url, data).status_code == 302
    assert AuditEntry.objects.get(action="seat.update").changes == {"ends_on": [None, "2024-12-31"]}
    assert seat.pk and Seat.objects.get(pk=seat.pk).ends_on == dt.date(2024, 12, 31)


@pytest.mark.parametrize("model", [Board, Organisation, Seat, User])
def test_bulk_delete_is_not_offered_for_boards_organisations_people_and_seats(
    cast, secretary, model
):
    response = secretary.get(reverse(f"admin:governance_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    assert "delete_selected" not in response.text
    assert admin.site._registry[model].delete_queryset  # routed to the service if ever called


def test_seat_with_bad_dates_is_refused_on_the_form(cast, secretary):
    url = reverse("admin:governance_organisation_change", args=[cast.acme.pk])
    data = form_data(secretary.get(url))
    add_rows(
        data,
        "seats",
        [voting_row(UserFactory(), "2024-05-01", "2024-04-01", board=str(cast.board.pk))],
    )
    before = stored()
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "cannot end before it starts" in response.text
    assert stored() == before
