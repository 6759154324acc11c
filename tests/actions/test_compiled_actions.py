"""The meeting page's actions come from one query compiled once (actions.queries
MEETING_ACTION_ROWS): for every kind of meeting its rows are the ORM's, and what the page shows
is what the plain reads give (`action_summary_for`, the actions under each item)."""

import datetime as dt

import pytest

from actions.models import ActionItem, ActionStatus, ActionUpdate
from actions.queries import (
    FOLD_SUMMARY_OVER,
    MEETING_ACTION_ROWS,
    FoldedSummary,
    Opening,
    action_summary_for,
    meeting_actions,
)
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.actions.test_query_budgets import board_with_actions
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 5, 9, 15, 0, tzinfo=dt.UTC)
LATE = dt.timedelta(minutes=45)


def action(cast, description, *, at, meeting=None, item=None, owners=(), **fields):
    made = ActionItem.objects.create(
        board=cast.board,
        meeting=meeting,
        item=item,
        description=description,
        created_by=cast.alice,
        created_at=at,
        status_changed_at=at,
        **fields,
    )
    made.owners.set(owners)
    return made


def change(action, status, *, at, author, note="", reviewed_in=None):
    ActionUpdate.objects.create(
        action=action,
        at=at,
        author=author,
        note=note,
        status=status,
        previous_status=action.status if status else "",
        reviewed_in=reviewed_in,
    )
    if status:
        ActionItem.objects.filter(pk=action.pk).update(status=status, status_changed_at=at)
        action.refresh_from_db()


def three_meetings(cast) -> list[Meeting]:
    """The first meeting (no previous one, its actions under its item with 0, 1, 2 owners or
    the whole board); the second, opened 45 minutes late (actions raised and changed in between,
    one raised at the very moment it opened, reviews in it, due dates on its day and the day
    before); the third, still scheduled (opens at its planned start)."""
    first = MeetingFactory(board=cast.board, starts_at=START, title="May")
    first_item = AgendaItemFactory(meeting=first, position=1)
    first = meeting_services.meeting_start(meeting=first, actor=cast.alice, at=START)
    second = MeetingFactory(board=cast.board, starts_at=START + dt.timedelta(days=28), title="June")
    second_item = AgendaItemFactory(meeting=second, position=1)
    third = MeetingFactory(board=cast.board, starts_at=START + dt.timedelta(days=56), title="July")
    AgendaItemFactory(meeting=third, position=1)
    day = second.date
    raised = START + dt.timedelta(minutes=5)
    nobody = action(cast, "Nobody's", at=raised, meeting=first, item=first_item, due_on=day)
    one = action(
        cast,
        "One owner",
        at=raised,
        meeting=first,
        item=first_item,
        owners=[cast.victor],
        due_on=day - dt.timedelta(days=1),
    )
    two = action(
        cast,
        "Two owners",
        at=raised,
        meeting=first,
        item=first_item,
        owners=[cast.victor, cast.greta],
    )
    everyone = action(cast, "Everyone's", at=raised, meeting=first, item=first_item, for_all=True)
    dropped_early = action(cast, "Dropped early", at=raised, meeting=first, item=first_item)
    # The first meeting opened exactly when this was raised: not in its summary.
    action(cast, "At the opening", at=START, meeting=first, item=first_item, owners=[cast.greta])
    meeting_services.meeting_adjourn(meeting=first, actor=cast.alice, at=START + LATE)
    change(dropped_early, ActionStatus.DROPPED, at=START + LATE, author=cast.sam)
    change(one, ActionStatus.IN_PROGRESS, at=START + dt.timedelta(days=3), author=cast.victor)
    change(one, "", at=START + dt.timedelta(days=4), author=cast.victor, note="Drafted")
    change(two, ActionStatus.DONE, at=START + dt.timedelta(days=10), author=cast.greta)
    between = START + dt.timedelta(days=28, minutes=20)  # after June's planned start
    action(cast, "Raised while waiting", at=between, owners=[cast.ivan])
    change(nobody, ActionStatus.WAITING, at=between, author=cast.sam)
    opened = second.starts_at + LATE
    second = meeting_services.meeting_start(meeting=second, actor=cast.alice, at=opened)
    action(cast, "Raised as June opened", at=opened, meeting=second, item=second_item)
    action(
        cast,
        "Raised in June",
        at=opened + dt.timedelta(minutes=10),
        meeting=second,
        item=second_item,
        owners=[cast.greta, cast.ivan],
    )
    change(one, "", at=opened + dt.timedelta(minutes=20), author=cast.alice, reviewed_in=second)
    change(
        everyone,
        ActionStatus.DONE,
        at=opened + dt.timedelta(minutes=21),
        author=cast.alice,
        note="Seen to",
        reviewed_in=second,
    )
    return [Meeting.objects.select_related("board").get(pk=m.pk) for m in (first, second, third)]


def item_ids(meeting) -> list[int]:
    return list(meeting.items.values_list("pk", flat=True))


def owners_of(action) -> list[tuple[int, str, str]]:
    return [(person.pk, person.full_name, person.email) for person in action.owner_list]


def said(entry) -> tuple:
    action = entry.action
    return (
        action.pk,
        action.description,
        action.status,
        action.due_on,
        action.created_at,
        action.meeting.title if action.meeting else None,
        action.owner_names,
        owners_of(action),
        action.get_absolute_url(),
        entry.status_then,
        entry.finished_at,
        (entry.review.pk, entry.review.status, entry.review.note) if entry.review else None,
        entry.last_note.note if entry.last_note else None,
    )


def assert_compiled_rows_are_the_orms(meeting):
    values = vars(Opening.of(meeting))
    compiled = MEETING_ACTION_ROWS.rows(**values)
    assert compiled == MEETING_ACTION_ROWS.orm_rows(**values)
    return compiled


def test_the_compiled_rows_and_the_page_agree_with_the_plain_reads(cast):
    meetings = three_meetings(cast)
    shown = []
    for meeting in meetings:
        assert_compiled_rows_are_the_orms(meeting)
        read = meeting_actions(meeting, item_ids(meeting))
        whole = action_summary_for(meeting)
        assert not isinstance(read.summary, FoldedSummary)
        assert [(key, [said(e) for e in entries]) for key, _, entries in read.summary.groups] == [
            (key, [said(e) for e in entries]) for key, _, entries in whole.groups
        ]
        assert read.summary.reviewed_count == whole.reviewed_count
        previous = meeting.previous()
        assert (read.summary.previous and read.summary.previous.title) == (
            previous and previous.title
        )
        expected = {}
        for made in (
            ActionItem.objects.filter(meeting=meeting, item__isnull=False)
            .select_related("board")
            .order_by("created_at", "pk")
        ):
            expected.setdefault(made.item_id, []).append(
                (made.pk, made.description, made.owner_names, owners_of(made), made.status)
            )
        assert {
            item: [(a.pk, a.description, a.owner_names, owners_of(a), a.status) for a in actions]
            for item, actions in read.by_item.items()
        } == expected
        shown.append((len(whole.entries), sum(map(len, read.by_item.values()))))
    # No summary for May; June's has May's six and the one raised while June was late to open
    # (not the one raised as it opened); July's leaves out the two finished before June opened
    # and adds June's two. Six actions under May's item, two under June's, none under July's.
    assert shown == [(0, 6), (7, 2), (7, 0)], shown


def test_only_the_items_asked_for_are_read(cast):
    first, _, _ = three_meetings(cast)
    (item,) = item_ids(first)
    assert meeting_actions(first, []).by_item == {}
    assert list(meeting_actions(first, [item]).by_item) == [item]


@pytest.mark.parametrize("count", [FOLD_SUMMARY_OVER, FOLD_SUMMARY_OVER + 1, 90])
def test_a_folded_summary_counts_as_the_whole_does(cast, count):
    first, second = board_with_actions(cast, count)
    # Reviewed in the second meeting, some of them.
    for n, made in enumerate(ActionItem.objects.order_by("pk")[:7]):
        ActionUpdate.objects.create(
            action=made,
            at=second.opened_at,
            author=cast.alice,
            note=f"Seen {n}",
            reviewed_in=second,
        )
    for meeting in (first, second):
        meeting = Meeting.objects.select_related("board").get(pk=meeting.pk)
        assert_compiled_rows_are_the_orms(meeting)
        whole = action_summary_for(meeting)
        summary = meeting_actions(meeting, item_ids(meeting)).summary
        if len(whole.entries) > FOLD_SUMMARY_OVER:
            assert isinstance(summary, FoldedSummary)
            assert summary.counts == {key: len(entries) for key, _, entries in whole.groups}
            assert summary.overdue == sum(
                1 for entry in whole.unfinished if entry.action.due_on < meeting.date
            )
            assert summary.reviewed_count == whole.reviewed_count == 7
            assert summary.has_previous is (whole.previous is not None)
        else:
            assert [e.action.pk for e in summary.entries] == [e.action.pk for e in whole.entries]
            assert summary.reviewed_count == whole.reviewed_count
