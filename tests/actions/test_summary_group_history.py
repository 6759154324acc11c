"""A folded summary's group holds exactly the actions the whole summary puts in it, whatever
their histories: `summary_group` narrows the search to what the group implies about an action's
own columns (`_could_be_in`) before working out each one's status then, and must not lose any.

Histories are drawn at random (seeded) around the edges that matter: a meeting opening late, an
action changed exactly when a meeting opened or the previous one did, finished and reopened,
raised after the meeting opened, a board's first meeting (no previous one)."""

import datetime as dt
import random

import pytest

from actions.models import ActionItem, ActionStatus, ActionUpdate
from actions.queries import (
    GROUP_HEADINGS,
    Opening,
    _with_history,
    action_summary_for,
    summary_group,
    summary_rows,
)
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 11, 16, 0, tzinfo=dt.UTC)
STATUSES = list(ActionStatus.values)
ORDER = ("meeting__starts_at", "created_at", "pk")


def meetings_of(board) -> list:
    """Four meetings four weeks apart: the first opened twenty minutes late, the last not yet
    open (its planned start counts)."""
    made = []
    for number, late in enumerate([20, 0, 5, None]):
        starts_at = START + dt.timedelta(days=28 * number)
        made.append(
            MeetingFactory(
                board=board,
                starts_at=starts_at,
                status="scheduled" if late is None else "adjourned",
                started_at=None if late is None else starts_at + dt.timedelta(minutes=late),
            )
        )
    return made


def moments(meetings) -> list[dt.datetime]:
    """The instants that sit on, just before and just after each meeting's opening."""
    found = [START - dt.timedelta(days=10)]
    for meeting in meetings:
        for offset in (-1440, -1, 0, 1, 1440):
            found.append(meeting.opened_at + dt.timedelta(minutes=offset))
    return sorted(found)


def random_histories(cast, meetings, seed: int, count: int = 150) -> None:
    """`count` actions, each raised at one of `moments` and changed 0 to 4 times after, with
    progress notes and the chair's reviews sprinkled in; status and status_changed_at kept as
    the services keep them (the last change)."""
    chance = random.Random(seed)  # noqa: S311 - test data
    times = moments(meetings)
    for number in range(count):
        raised_at = chance.choice(times)
        later = [moment for moment in times if moment >= raised_at]
        changes = sorted(chance.sample(later, k=min(len(later), chance.randint(0, 4))))
        status, history = ActionStatus.OPEN, []
        for at in changes:
            new = chance.choice([choice for choice in STATUSES if choice != status])
            history.append((at, new, status))
            status = new
        action = ActionItem.objects.create(
            board=cast.board,
            meeting=chance.choice([None, *meetings]),
            description=f"Action {number}",
            status=status,
            status_changed_at=history[-1][0] if history else raised_at,
            created_by=cast.alice,
            created_at=raised_at,
        )
        for at, new, old in history:
            ActionUpdate.objects.create(
                action=action, at=at, author=cast.sam, status=new, previous_status=old
            )
        for _ in range(chance.randint(0, 2)):
            ActionUpdate.objects.create(
                action=action, at=chance.choice(later), author=cast.sam, note=f"Note {number}"
            )
        if chance.random() < 0.2:
            reviewed_in = chance.choice(meetings)
            ActionUpdate.objects.create(
                action=action,
                at=reviewed_in.opened_at + dt.timedelta(minutes=30),
                author=cast.alice,
                note="Reviewed",
                reviewed_in=reviewed_in,
            )


def as_compared(action, status, finished_at, review_id, last_note) -> tuple:
    return (action.pk, status, finished_at, review_id, last_note)


def group_pages(meeting, key) -> list[tuple]:
    """Every entry of the group, page after page, as `summary_group` gives them."""
    found, page = [], 1
    while True:
        shown = summary_group(meeting, key, page)
        found += [
            as_compared(
                entry.action,
                entry.status_then,
                entry.finished_at,
                entry.review.pk if entry.review else None,
                entry.last_note.note if entry.last_note else None,
            )
            for entry in shown.entries
        ]
        if not shown.has_more:
            return found
        page += 1


def unnarrowed(meeting, key) -> list[tuple]:
    """The group as the query without the narrowing reads it."""
    opening = Opening.of(meeting)
    rows = _with_history(summary_rows(opening).filter(status_then=key), opening).order_by(*ORDER)
    return [
        as_compared(
            action,
            action.status_then,
            action.finished_then if action.status_then in ("done", "dropped") else None,
            action.review_id,
            action.last_note_text or None,
        )
        for action in rows
    ]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_group_holds_what_the_whole_summary_puts_in_it(cast, seed, monkeypatch):
    monkeypatch.setattr("actions.queries.SUMMARY_PAGE_SIZE", 7)  # several pages per group
    meetings = meetings_of(cast.board)
    random_histories(cast, meetings, seed)
    seen = 0
    for meeting in meetings:
        whole = {key: entries for key, _, entries in action_summary_for(meeting).groups}
        for key in GROUP_HEADINGS:
            found = group_pages(meeting, key)
            assert found == unnarrowed(meeting, key), (meeting.starts_at, key)
            assert [pk for pk, *_ in found] == [entry.action.pk for entry in whole[key]]
            seen += len(found)
    assert seen > 150  # the histories put actions in groups of several meetings
