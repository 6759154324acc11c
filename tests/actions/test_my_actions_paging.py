"""My actions a page at a time: the most overdue first, counted whole in the database, the same
queries for three actions as for sixty, and any ?page= answered without an error."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.queries import MY_ACTIONS_PER_PAGE
from tests.actions.factories import raise_action

pytestmark = pytest.mark.django_db

PER_PAGE = MY_ACTIONS_PER_PAGE
ROLES = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]


def mine_url(cast):
    return reverse("actions:my_actions", args=[cast.board.slug])


def overdue_actions(cast, person, count):
    """`count` actions of `person`, the first the most overdue."""
    today = timezone.localdate()
    return [
        raise_action(
            cast, person, text=f"Overdue number {n:02d}", due_on=today - dt.timedelta(days=100 - n)
        )
        for n in range(count)
    ]


def test_the_first_page_is_the_most_overdue_and_the_counts_are_whole(cast, client_for):
    overdue_actions(cast, cast.victor, PER_PAGE + 5)
    raise_action(cast, cast.victor, text="Due later", due_on=timezone.localdate() + dt.timedelta(9))
    raise_action(cast, for_all=True, text="Everyone undated")
    raise_action(cast, cast.greta, text="Greta own")
    total = PER_PAGE + 7
    text = client_for(cast.victor).get(mine_url(cast)).text
    counts = f"{total} open, {PER_PAGE + 5} overdue · {total - 1} yours, 1 for the whole board"
    assert counts in text
    assert text.count('<li class="action-row') == PER_PAGE
    assert "Overdue number 00" in text and f"Overdue number {PER_PAGE - 1:02d}" in text
    assert f"Overdue number {PER_PAGE:02d}" not in text and "Due later" not in text
    assert f"Open actions 1–{PER_PAGE} of {total} (page 1 of 2)" in text
    assert '<a href="?page=2#open-heading" rel="next">Less urgent →</a>' in text
    assert 'rel="prev"' not in text


def test_the_last_page_holds_the_rest_and_links_back(cast, client_for):
    overdue_actions(cast, cast.victor, PER_PAGE + 2)
    raise_action(cast, for_all=True, text="Everyone undated")
    text = client_for(cast.victor).get(mine_url(cast), {"page": 2}).text
    assert text.count('<li class="action-row') == 3
    assert f"Overdue number {PER_PAGE + 1:02d}" in text and "Everyone undated" in text
    assert "Overdue number 00" not in text
    assert '<a href="?page=1#open-heading" rel="prev">' in text and 'rel="next"' not in text


@pytest.mark.parametrize(
    "page, first_shown",
    [
        ("0", "last"),
        ("-1", "last"),
        ("abc", "first"),
        ("", "first"),
        ("99", "last"),
        ("1.5", "first"),
        ("99999999999999999999999", "last"),
    ],
)
def test_a_page_that_is_not_one_shows_the_nearest(cast, client_for, page, first_shown):
    overdue_actions(cast, cast.victor, PER_PAGE + 1)
    response = client_for(cast.victor).get(mine_url(cast), {"page": page})
    assert response.status_code == 200
    shown = "Overdue number 00" if first_shown == "first" else f"Overdue number {PER_PAGE:02d}"
    assert shown in response.text


def test_one_page_needs_no_pager(cast, client_for):
    overdue_actions(cast, cast.victor, 2)
    text = client_for(cast.victor).get(mine_url(cast), {"page": 5}).text
    assert text.count('<li class="action-row') == 2
    assert "Pages of open actions" not in text


def test_nothing_open_says_so_on_any_page(cast, client_for):
    for page in ("", "2", "x"):
        response = client_for(cast.victor).get(mine_url(cast), {"page": page})
        assert response.status_code == 200
        assert "Nothing open." in response.text


@pytest.mark.parametrize("who", ROLES)
def test_every_member_pages_through_only_their_own(cast, client_for, who):
    person = getattr(cast, who)
    overdue_actions(cast, person, PER_PAGE + 1)
    other = cast.greta if person != cast.greta else cast.victor
    raise_action(cast, other, text="Not theirs")
    for page in (1, 2):
        text = client_for(person).get(mine_url(cast), {"page": page}).text
        assert "Not theirs" not in text
    assert f"Overdue number {PER_PAGE:02d}" in text


def test_anonymous_is_sent_to_sign_in_and_another_board_gets_404(cast, client_for):
    overdue_actions(cast, cast.victor, 1)
    response = Client().get(mine_url(cast), {"page": 2})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client_for(cast.olga).get(mine_url(cast), {"page": 2})
    assert response.status_code == 404 and "Overdue number" not in response.text


def test_the_dashboard_card_counts_all_and_shows_three(cast, client_for):
    overdue_actions(cast, cast.victor, 12)
    text = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug])).text
    assert "12 open" in text and "12 overdue" in text
    assert text.count('<li class="card-action') == 3
    assert "Overdue number 00" in text and "Overdue number 03" not in text


def test_the_page_costs_the_same_queries_for_3_actions_and_60(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.victor)
    counts = []
    for size in (3, 60):
        overdue_actions(cast, cast.victor, size)
        raise_action(cast, for_all=True, text="Everyone")
        for page in ("1", "2"):
            client.get(mine_url(cast), {"page": page})
            with CaptureQueriesContext(connection) as queries:
                client.get(mine_url(cast), {"page": page})
            counts.append(len(queries))
        with django_assert_max_num_queries(12):
            client.get(mine_url(cast), {"page": "2"})
    assert counts[:2] == counts[2:], counts


def test_due_today_is_not_yet_overdue(cast, client_for):
    raise_action(cast, cast.victor, text="Due today", due_on=timezone.localdate())
    text = client_for(cast.victor).get(mine_url(cast)).text
    assert "1 open · 1 yours, 0 for the whole board" in text
