"""The decided motions, a page at a time: each row reads as before (outcome chip, where, tally),
other boards' decisions never appear, and ?page= is for members only."""

import pytest
from django.test import Client
from django.urls import reverse

from motions.queries import DECIDED_PER_PAGE
from tests.motions.test_query_budgets import decided_ballots

pytestmark = pytest.mark.django_db

ROLES = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]


def list_url(board):
    return reverse("motions:motion_list", args=[board.slug])


def test_each_decided_row_shows_its_outcome_and_where(cast, client_for):
    decided_ballots(cast, 2)
    text = client_for(cast.victor).get(list_url(cast.board)).text
    assert text.count('<span class="chip chip-ok">Carried</span>') == 2
    assert text.count("<td>Ballot</td>") == 2


def test_another_boards_decisions_are_not_listed_or_counted(cast, client_for):
    decided_ballots(cast, DECIDED_PER_PAGE + 1)
    mine = client_for(cast.victor).get(list_url(cast.board), {"page": 2}).text
    assert "Decision 0000" in mine
    theirs = client_for(cast.olga).get(list_url(cast.other_board)).text
    assert "Decision 0" not in theirs


@pytest.mark.parametrize("who", ROLES)
def test_every_member_reads_a_later_page(cast, client_for, who):
    decided_ballots(cast, DECIDED_PER_PAGE + 1)
    response = client_for(getattr(cast, who)).get(list_url(cast.board), {"page": 2})
    assert response.status_code == 200 and "Decision 0000" in response.text


def test_anonymous_and_other_boards_members_get_no_page(cast, client_for):
    decided_ballots(cast, DECIDED_PER_PAGE + 1)
    response = Client().get(list_url(cast.board), {"page": 2})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client_for(cast.olga).get(list_url(cast.board), {"page": 2})
    assert response.status_code == 404 and "Decision 0" not in response.text
