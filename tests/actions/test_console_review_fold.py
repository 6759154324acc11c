"""The console's review panel folds a long action summary as the meeting page does: its groups'
counts, a group's entries (each with its review form) loaded when opened, and after a review
the group stays open at the page the chair was on. A short summary is shown whole, as ever."""

import re

import pytest
from django.urls import reverse

from actions.models import ActionUpdate
from actions.queries import FOLD_SUMMARY_OVER, SUMMARY_PAGE_SIZE, action_summary_for
from tests.actions.test_folded_summary import queries
from tests.actions.test_query_budgets import board_with_actions, wipe

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ENTRY = re.compile(r'<li class="review-entry[^"]*" id="review-(\d+)"')


def console_url(meeting):
    return reverse("meetings:live_console", args=[meeting.board.slug, meeting.pk])


def group_url(meeting, group="open"):
    return reverse("actions:console_review_group", args=[meeting.board.slug, meeting.pk, group])


def review_url(meeting, action):
    return reverse("actions:console_review", args=[meeting.board.slug, meeting.pk, action.pk])


@pytest.mark.parametrize(
    ("count", "folded"), [(FOLD_SUMMARY_OVER, False), (FOLD_SUMMARY_OVER + 1, True)]
)
def test_the_panel_folds_only_past_the_threshold(cast, client_for, count, folded):
    _, second = board_with_actions(cast, count)
    text = client_for(cast.alice).get(console_url(second)).text
    if folded:
        assert not ENTRY.search(text)
        assert f"0 of {count} reviewed" in text
        assert text.count('class="review-fold ') == 5  # each status has some
        assert f'href="{group_url(second)}"' in text  # works without JavaScript
        assert f'hx-get="{group_url(second)}"' in text
    else:
        assert len(ENTRY.findall(text)) == count
        assert "review-fold" not in text
        assert f"0 of {count} reviewed" in text


def test_an_opened_group_has_its_entries_with_their_forms(cast, client_for):
    _, second = board_with_actions(cast, 200)
    whole = action_summary_for(second)
    client = client_for(cast.alice)
    piece = client.get(group_url(second, "done"), headers=HTMX).text
    assert [int(pk) for pk in ENTRY.findall(piece)] == [e.action.pk for e in whole.done]
    assert piece.count('<form method="post"') == len(whole.done)
    assert piece.count('name="group" value="done"') == len(whole.done)
    assert "<h1>" not in piece  # only the entries, for the fold
    page = client.get(group_url(second, "done")).text
    assert "<h1>Done since the previous meeting</h1>" in page  # a page of its own


def test_a_huge_group_comes_a_hundred_at_a_time(cast, client_for):
    _, second = board_with_actions(cast, 700)
    expected = [entry.action.pk for entry in action_summary_for(second).open]
    assert len(expected) > SUMMARY_PAGE_SIZE
    client = client_for(cast.alice)
    first = client.get(group_url(second), headers=HTMX).text
    assert [int(pk) for pk in ENTRY.findall(first)] == expected[:SUMMARY_PAGE_SIZE]
    assert f'hx-get="{group_url(second)}?page=2"' in first
    more = client.get(group_url(second), {"page": 2}, headers=HTMX).text
    assert [int(pk) for pk in ENTRY.findall(more)] == expected[
        SUMMARY_PAGE_SIZE : 2 * SUMMARY_PAGE_SIZE
    ]
    assert 'name="page" value="2"' in more


def test_a_review_from_an_opened_group_keeps_it_open(cast, client_for):
    _, second = board_with_actions(cast, 200)
    whole = action_summary_for(second)
    reviewed = whole.waiting[3].action
    response = client_for(cast.alice).post(
        review_url(second, reviewed),
        {"status": "done", "note": "Sent", "group": "waiting", "page": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert ActionUpdate.objects.filter(action=reviewed, reviewed_in=second).exists()
    text = response.text
    assert "1 of 200 reviewed" in text
    fold = '<details class="review-fold review-'
    opened = re.search(rf"{fold}waiting\" open>(.*?)</details>\s*(?={fold}|$)", text, re.S)
    assert opened, "the group reviewed in is open"
    shown = [int(pk) for pk in ENTRY.findall(opened.group(1))]
    assert shown == [e.action.pk for e in whole.waiting][:SUMMARY_PAGE_SIZE]
    assert f'class="review-entry is-reviewed" id="review-{reviewed.pk}"' in text
    # The other groups stay folded.
    assert text.count('<div class="review-fold-body">') == 5
    assert len(ENTRY.findall(text)) == len(shown)


@pytest.mark.parametrize("group, page", [("nonsense", "1"), ("waiting", "0"), ("waiting", "x")])
def test_a_review_from_a_group_there_is_not_opens_none(cast, client_for, group, page):
    _, second = board_with_actions(cast, 200)
    action = action_summary_for(second).waiting[0].action
    response = client_for(cast.alice).post(
        review_url(second, action), {"status": "done", "group": group, "page": page}, headers=HTMX
    )
    assert response.status_code == 200
    assert " open>" not in response.text
    assert not ENTRY.search(response.text)


def test_a_group_is_for_those_who_record_the_meeting(cast, client_for):
    _, second = board_with_actions(cast, 50)
    assert client_for(cast.sam).get(group_url(second)).status_code == 200
    assert client_for(cast.nora).get(group_url(second)).status_code == 403
    assert client_for(cast.olga).get(group_url(second)).status_code == 404
    anonymous = client_for(None).get(group_url(second))
    assert anonymous.status_code == 302
    client = client_for(cast.alice)
    assert client.get(group_url(second, "nonsense")).status_code == 404
    assert client.get(group_url(second), {"page": "0"}).status_code == 404


def test_the_console_and_a_group_cost_the_same_queries_at_any_size(cast, client_for):
    counts = []
    for size in (FOLD_SUMMARY_OVER + 1, 2000):
        _, second = board_with_actions(cast, size)
        client = client_for(cast.alice)
        counts.append(
            (queries(client, console_url(second)), queries(client, group_url(second), HTMX))
        )
        wipe(cast.board)
    assert counts[0] == counts[1], counts
