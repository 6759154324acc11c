"""The members directory of a large board: a page of organisations at a time, or found by name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Role
from governance.views import DIRECTORY_PAGE_SIZE
from tests.factories import OrganisationFactory, SeatFactory, UserFactory


def add_organisations(board, count: int) -> None:
    for number in range(count):
        organisation = OrganisationFactory(board=board, name=f"Member {number:04d}")
        SeatFactory(
            board=board,
            organisation=organisation,
            role=Role.VOTING,
            person=UserFactory(full_name=f"Rep {number:04d}"),
        )


def directory(client, board, **params):
    return client.get(reverse("members_directory", args=[board.slug]), params)


def test_a_large_board_is_shown_a_page_at_a_time(cast, client_for):
    add_organisations(cast.board, 120)  # with the cast's three: 123
    client = client_for(cast.victor)
    first = directory(client, cast.board)
    assert first.text.count('<span class="org-name">') == DIRECTORY_PAGE_SIZE
    assert "123 member organisations, 123 with a voting representative" in first.text
    assert "Organisations 1–50 of 123 (page 1 of 3)" in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    last = directory(client, cast.board, page=3)
    assert last.text.count('<span class="org-name">') == 23
    assert "Member 0119" in last.text and 'rel="next"' not in last.text


@pytest.mark.parametrize("page", ["0", "99", "x", "²"])
def test_a_page_out_of_range_shows_the_nearest_page_not_an_error(cast, client_for, page):
    add_organisations(cast.board, 60)
    response = directory(client_for(cast.victor), cast.board, page=page)
    assert response.status_code == 200
    assert "of 63" in response.text


def test_the_pager_keeps_the_date_and_the_search(cast, client_for):
    add_organisations(cast.board, 60)
    response = directory(client_for(cast.victor), cast.board, q="member", on="2024-01-01")
    assert "60 member organisations matching “member”" in response.text
    assert "?on=2024-01-01&amp;q=member&amp;page=2" in response.text


def test_find_matches_an_organisation_or_a_person_sitting_for_it(cast, client_for):
    client = client_for(cast.victor)
    by_name = directory(client, cast.board, q="glob")
    assert "Globex" in by_name.text and "Acme Corporation" not in by_name.text
    by_person = directory(client, cast.board, q="alan alt")
    assert "Acme Corporation" in by_person.text and "Globex</span>" not in by_person.text
    assert "1 member organisation matching “alan alt”, 1 with a voting representative" in (
        by_person.text
    )


def test_find_with_no_match_says_so_and_offers_everyone(cast, client_for):
    response = directory(client_for(cast.victor), cast.board, q="nobody at all")
    assert response.status_code == 200
    assert "No member organisation or person matches “nobody at all”" in response.text
    assert "Show everyone" in response.text


def test_find_never_shows_another_boards_organisations(cast, client_for):
    response = directory(client_for(cast.victor), cast.board, q="umbrella")
    assert "Umbrella" not in response.text.replace("“umbrella”", "")


@pytest.mark.parametrize("organisations", [1, 120])
def test_directory_costs_the_same_queries_at_any_size(cast, client_for, organisations):
    add_organisations(cast.board, organisations)
    client = client_for(cast.victor)
    directory(client, cast.board)
    with CaptureQueriesContext(connection) as queries:
        response = directory(client, cast.board, q="member", page=2)
    assert response.status_code == 200
    assert len(queries) == 7  # session, user, seats with the board, the page's four
