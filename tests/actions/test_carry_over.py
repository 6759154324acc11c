"""The action summary across four meetings: an action is in every summary until it is done or
dropped, then in one more, never again. Each row plays a story against four monthly meetings
and says which group of each meeting's summary the action is in ("-": not in it)."""

import datetime as dt

import pytest

from actions import services
from actions.models import ActionItem, ActionStatus
from actions.queries import action_summary_for
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2024, 1, 11, 16, 0, tzinfo=dt.UTC)
MEETINGS = 4


def group_of(summary, action) -> str:
    for key, _heading, entries in summary.groups:
        if any(entry.action.pk == action.pk for entry in entries):
            return key
    return "-"


# Events: ("raise", "in", i) raised under meeting i's item while it runs; ("raise", "after", i)
# between meetings i and i+1; (status, "in", i) the chair's review in meeting i; (status,
# "after", i) an owner's update between i and i+1; ("reassign", "after", i) new owner.
CASES = {
    "open across meetings": ([("raise", "in", 0)], ["-", "open", "open", "open"]),
    "done between meetings": (
        [("raise", "in", 0), ("done", "after", 1)],
        ["-", "open", "done", "-"],
    ),
    "dropped in a meeting": (
        [("raise", "in", 0), ("dropped", "in", 1)],
        ["-", "open", "dropped", "-"],
    ),
    "created and done in the same meeting": (
        [("raise", "in", 0), ("done", "in", 0)],
        ["-", "done", "-", "-"],
    ),
    "reopened": (
        [("raise", "in", 0), ("done", "after", 0), ("open", "after", 1)],
        ["-", "done", "open", "open"],
    ),
    "owner changed and then in progress": (
        [("raise", "in", 0), ("reassign", "after", 0), ("in_progress", "after", 1)],
        ["-", "open", "in_progress", "in_progress"],
    ),
    "waiting on someone else, then done": (
        [("raise", "in", 0), ("waiting", "after", 0), ("done", "after", 2)],
        ["-", "waiting", "waiting", "done"],
    ),
    "raised between meetings": ([("raise", "after", 1)], ["-", "-", "open", "open"]),
    "raised in the second meeting": (
        [("raise", "in", 1), ("in_progress", "in", 2)],
        ["-", "-", "open", "in_progress"],
    ),
    "dropped between meetings, reopened by the secretary": (
        [("raise", "in", 0), ("dropped", "after", 0), ("open", "after", 1)],
        ["-", "dropped", "open", "open"],
    ),
}


@pytest.mark.parametrize(("events", "expected"), CASES.values(), ids=CASES.keys())
def test_action_summary_carries_an_action_until_it_is_finished_then_once_more(
    cast, events, expected
):
    meetings = []
    for index in range(MEETINGS):
        meeting = MeetingFactory(
            board=cast.board, title=f"M{index}", starts_at=FIRST + dt.timedelta(days=28 * index)
        )
        AgendaItemFactory(meeting=meeting, position=1, title=f"Item of M{index}")
        meetings.append(meeting)
    action: ActionItem | None = None

    def play(when: str, index: int) -> None:
        nonlocal action
        meeting = meetings[index]
        for kind, at_when, at_index in events:
            if (at_when, at_index) != (when, index):
                continue
            moment = (
                meeting.starts_at + dt.timedelta(minutes=20)
                if when == "in"
                else meeting.starts_at + dt.timedelta(days=10)
            )
            if kind == "raise":
                action = services.action_record(
                    board=cast.board,
                    description="Send the report",
                    owners=[cast.victor],
                    item=meeting.items.get() if when == "in" else None,
                    actor=cast.alice,
                    at=moment,
                )
            elif kind == "reassign":
                services.action_update(
                    action=action, actor=cast.sam, owners=[cast.greta], at=moment
                )
            else:
                services.action_update(
                    action=action,
                    actor=cast.alice if when == "in" else cast.sam,
                    status=kind,
                    note="Reviewed" if when == "in" else "",
                    reviewed_in=meeting if when == "in" else None,
                    at=moment,
                )

    for index, meeting in enumerate(meetings):
        meeting = meeting_services.meeting_start(
            meeting=meeting, actor=cast.alice, at=meeting.starts_at
        )
        meetings[index] = meeting
        play("in", index)
        meetings[index] = meeting_services.meeting_adjourn(
            meeting=meeting, actor=cast.alice, at=meeting.starts_at + dt.timedelta(hours=1)
        )
        play("after", index)

    found = [group_of(action_summary_for(Meeting.objects.get(pk=m.pk)), action) for m in meetings]
    assert found == expected


def test_summary_shows_the_last_note_before_the_meeting_and_the_review_in_it(cast):
    first = MeetingFactory(board=cast.board, starts_at=FIRST)
    AgendaItemFactory(meeting=first, position=1)
    second = MeetingFactory(board=cast.board, starts_at=FIRST + dt.timedelta(days=28))
    first = meeting_services.meeting_start(meeting=first, actor=cast.alice, at=FIRST)
    action = services.action_record(
        board=cast.board,
        description="Share the analysts' template",
        owners=[cast.victor],
        item=first.items.get(),
        actor=cast.alice,
        at=FIRST + dt.timedelta(minutes=5),
    )
    meeting_services.meeting_adjourn(
        meeting=first, actor=cast.alice, at=FIRST + dt.timedelta(hours=1)
    )
    services.action_update(
        action=action,
        actor=cast.victor,
        status=ActionStatus.IN_PROGRESS,
        note="shared with Lars",
        at=FIRST + dt.timedelta(days=3),
    )
    second = meeting_services.meeting_start(meeting=second, actor=cast.alice, at=second.starts_at)
    summary = action_summary_for(second)
    assert [entry.last_note.note for entry in summary.in_progress] == ["shared with Lars"]
    assert summary.reviewed_count == 0
    services.action_update(
        action=action,
        actor=cast.alice,
        status=ActionStatus.DONE,
        note="Template shared with the board",
        reviewed_in=second,
    )
    summary = action_summary_for(second)
    # Still listed as it stood at the opening, now with the chair's review.
    [entry] = summary.in_progress
    assert entry.review.note == "Template shared with the board"
    assert entry.review.status == ActionStatus.DONE
    assert summary.reviewed_count == 1
