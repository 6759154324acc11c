"""A long action summary folds on the meeting page: its groups' counts, each group's entries
loaded when opened (a page of their own without JavaScript, a hundred at a time); a short one
is shown whole, as ever. Likewise an item under which many actions were raised."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionItem
from actions.queries import (
    FOLD_ITEM_ACTIONS_OVER,
    FOLD_SUMMARY_OVER,
    SUMMARY_PAGE_SIZE,
    action_summary_for,
    summary_counts,
)
from tests.actions.test_query_budgets import board_with_actions, wipe

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ENTRY = 'id="summary-action-'


def group_url(meeting, group="open"):
    return reverse("actions:summary_group", args=[meeting.board.slug, meeting.pk, group])


def item_url(meeting, item):
    return reverse("actions:item_actions", args=[meeting.board.slug, meeting.pk, item.pk])


@pytest.mark.parametrize(
    ("count", "folded"), [(FOLD_SUMMARY_OVER, False), (FOLD_SUMMARY_OVER + 1, True)]
)
def test_a_summary_folds_only_past_the_threshold(cast, client_for, count, folded):
    _, second = board_with_actions(cast, count)
    text = client_for(cast.nora).get(second.get_absolute_url()).text
    if folded:
        assert ENTRY not in text
        assert f"{count} actions" in text
        assert text.count('class="summary-fold ') == 5  # each status has some
        assert f'href="{group_url(second)}"' in text  # works without JavaScript
        assert f'hx-get="{group_url(second)}"' in text
    else:
        assert text.count(ENTRY) == count
        assert "summary-fold" not in text


def test_the_counts_agree_with_the_whole_summary(cast):
    _, second = board_with_actions(cast, 200)
    whole = action_summary_for(second)
    counted = summary_counts(second)
    assert counted.counts == {key: len(entries) for key, _, entries in whole.groups}
    assert counted.overdue == sum(
        1 for entry in whole.unfinished if entry.action.due_on < second.date
    )


@pytest.mark.parametrize("who", ["nora", "victor", "alice", "sam"])
def test_board_members_open_a_group(cast, client_for, who):
    _, second = board_with_actions(cast, 50)
    whole = action_summary_for(second)
    response = client_for(getattr(cast, who)).get(group_url(second, "done"))
    assert response.status_code == 200
    assert response.text.count(ENTRY) == len(whole.done)
    assert "<h1>Done since the previous meeting</h1>" in response.text  # a page of its own
    piece = client_for(getattr(cast, who)).get(group_url(second, "done"), headers=HTMX)
    assert piece.text.count(ENTRY) == len(whole.done)
    assert "<h1>" not in piece.text  # only the entries, for the fold


def test_a_group_is_not_shown_outside_the_board(cast, client_for):
    _, second = board_with_actions(cast, 50)
    anonymous = client_for(None).get(group_url(second))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert client_for(cast.olga).get(group_url(second)).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5", "٣", "99999999999999999999"])
def test_a_bad_page_or_group_is_not_found(cast, client_for, page):
    _, second = board_with_actions(cast, 50)
    client = client_for(cast.nora)
    assert client.get(group_url(second), {"page": page}).status_code == 404
    assert client.get(group_url(second, "nonsense")).status_code == 404


def test_a_huge_group_comes_a_hundred_at_a_time(cast, client_for):
    _, second = board_with_actions(cast, 400)
    expected = [entry.action.pk for entry in action_summary_for(second).open]
    pages = -(-len(expected) // SUMMARY_PAGE_SIZE)
    assert pages >= 2
    client, seen = client_for(cast.nora), []
    for page in range(1, pages + 1):
        text = client.get(group_url(second), {"page": page}, headers=HTMX).text
        seen += [int(pk) for pk in re.findall(r'id="summary-action-(\d+)"', text)]
        assert (f'href="{group_url(second)}?page={page + 1}"' in text) is (page < pages)
    assert seen == expected  # in order, none twice, none left out
    beyond = client.get(group_url(second), {"page": pages + 1})
    assert beyond.status_code == 200
    assert "No more actions" in beyond.text


def queries(client, path, headers=None) -> int:
    client.get(path, headers=headers or {})  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200
    return len(captured)


def test_the_meeting_page_and_a_group_cost_the_same_queries_at_any_size(
    cast, client_for, django_assert_max_num_queries
):
    counts = []
    for size in (FOLD_SUMMARY_OVER + 1, 2000):
        _, second = board_with_actions(cast, size)
        client = client_for(cast.nora)
        page = queries(client, second.get_absolute_url())
        # At most 12 as the benchmark counts (the session read from the shared cache); here
        # the session is a row, one query more.
        with django_assert_max_num_queries(12 + 1):
            client.get(second.get_absolute_url())
        counts.append((page, queries(client, group_url(second), HTMX)))
        wipe(cast.board)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("count", "folded"), [(FOLD_ITEM_ACTIONS_OVER, False), (FOLD_ITEM_ACTIONS_OVER + 1, True)]
)
def test_many_actions_under_an_item_fold(cast, client_for, count, folded):
    first, _ = board_with_actions(cast, 0)
    item = first.items.get()
    for n in range(count):
        ActionItem.objects.create(
            board=cast.board,
            meeting=first,
            item=item,
            description=f"Task {n}",
            created_by=cast.alice,
            created_at=first.starts_at + dt.timedelta(minutes=5, seconds=n),
        )
    client = client_for(cast.nora)
    text = client.get(first.get_absolute_url()).text
    assert text.count('class="action-line"') == (0 if folded else count)
    assert (f'href="{item_url(first, item)}"' in text) is folded
    opened = client.get(item_url(first, item), headers=HTMX)
    assert opened.text.count('class="action-line"') == count
    assert client.get(item_url(first, item), {"page": "x"}).status_code == 404
    assert client_for(cast.olga).get(item_url(first, item)).status_code == 404
    assert client_for(None).get(item_url(first, item)).status_code == 302
