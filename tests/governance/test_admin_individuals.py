"""The admin for boards of individuals: unknown starts, directors, the board's own classes."""

import pytest
from django.urls import reverse

from governance import services
from governance.models import Role, Seat
from tests.governance.test_admin import secretary_client  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_a_seat_may_be_added_with_its_start_unknown(cast, secretary_client):  # noqa: F811
    response = secretary_client.post(
        reverse("admin:governance_seat_add"),
        {"board": cast.board.pk, "person": cast.nora.pk, "role": "observer", "starts_on": ""},
    )
    assert response.status_code == 302
    seat = Seat.objects.get(person=cast.nora, role=Role.OBSERVER)
    assert seat.starts_on is None


def test_a_vote_without_an_organisation_is_refused_on_an_organisation_board(
    cast,
    secretary_client,  # noqa: F811
):
    response = secretary_client.post(
        reverse("admin:governance_seat_add"),
        {"board": cast.board.pk, "person": cast.nora.pk, "role": "voting", "starts_on": ""},
    )
    assert response.status_code == 200
    assert "The board votes by organisation" in response.text
    assert not Seat.objects.filter(person=cast.nora, role=Role.VOTING).exists()


def test_the_board_page_offers_only_its_own_classes(cast, secretary_client):  # noqa: F811
    services.membership_class_create(actor=None, board=cast.board, name="Startup")
    services.membership_class_create(actor=None, board=cast.other_board, name="Platinum")
    response = secretary_client.get(reverse("admin:governance_board_change", args=[cast.board.pk]))
    assert response.status_code == 200
    assert "Startup" in response.text
    assert "Platinum" not in response.text
    organisation = secretary_client.get(
        reverse("admin:governance_organisation_change", args=[cast.acme.pk])
    )
    assert "Startup" in organisation.text and "Platinum" not in organisation.text
