"""Reads several pages share: the action summary of a meeting, a member's actions, the board's.

Each is a fixed number of queries whatever the number of actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from actions.models import FINISHED, UNFINISHED, ActionItem, ActionStatus, ActionUpdate
from governance.models import Board
from meetings.models import Meeting


def with_origin(queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return queryset.select_related("board", "meeting__board", "item").prefetch_related("owners")


# -- The action summary --------------------------------------------------------------------------


@dataclass
class SummaryEntry:
    action: ActionItem
    # The status when the meeting opened: what the summary reports.
    status_then: str
    # When it became done or dropped, for the finished ones.
    finished_at: dt.datetime | None = None
    # The chair's latest review of it in this meeting, if any.
    review: ActionUpdate | None = None
    last_note: ActionUpdate | None = None


@dataclass
class ActionSummary:
    """The actions not finished when `meeting` opened, and those finished since the previous
    meeting opened. An action is in every summary until it is done or dropped, then in one more.
    """

    meeting: Meeting
    previous: Meeting | None
    open: list[SummaryEntry] = field(default_factory=list)
    in_progress: list[SummaryEntry] = field(default_factory=list)
    waiting: list[SummaryEntry] = field(default_factory=list)
    done: list[SummaryEntry] = field(default_factory=list)
    dropped: list[SummaryEntry] = field(default_factory=list)

    @property
    def unfinished(self) -> list[SummaryEntry]:
        return self.open + self.in_progress + self.waiting

    @property
    def entries(self) -> list[SummaryEntry]:
        return self.unfinished + self.done + self.dropped

    @property
    def groups(self) -> list[tuple[str, str, list[SummaryEntry]]]:
        """(key, heading, entries) in the order minutes list them; empty groups included."""
        return [
            ("open", "Open", self.open),
            ("in_progress", "In progress", self.in_progress),
            ("waiting", "Waiting on someone else", self.waiting),
            ("done", "Done since the previous meeting", self.done),
            ("dropped", "Dropped since the previous meeting", self.dropped),
        ]

    def __bool__(self) -> bool:
        return bool(self.entries)

    @property
    def reviewed_count(self) -> int:
        return sum(1 for entry in self.entries if entry.review is not None)


def action_summary_for(meeting: Meeting) -> ActionSummary:
    """The summary `meeting` opens with, as it stood when the meeting opened (its planned
    start until it starts), with the reviews the chair has recorded in it since."""
    cut = meeting.opened_at
    previous = meeting.previous()
    since = previous.opened_at if previous is not None else None
    candidates = ActionItem.objects.filter(board_id=meeting.board_id, created_at__lt=cut)
    if since is not None:
        # Finished by the previous meeting and unchanged since: in no summary from here on.
        candidates = candidates.exclude(status__in=FINISHED, status_changed_at__lte=since)
    actions = list(with_origin(candidates).order_by("meeting__starts_at", "created_at", "pk"))
    # One read of their history: for those whose status changed after the cut, the status
    # then (the last change before it); the last progress note before the meeting; and the
    # chair's review in it.
    status_then: dict[int, tuple[str, dt.datetime | None]] = {}
    reviews: dict[int, ActionUpdate] = {}
    notes: dict[int, ActionUpdate] = {}
    if actions:
        changed_since = {action.pk for action in actions if action.status_changed_at >= cut}
        updates = (
            ActionUpdate.objects.filter(action__in=candidates.values("pk"))
            .filter((Q(at__lt=cut) & (~Q(note="") | ~Q(status=""))) | Q(reviewed_in=meeting))
            .select_related("author")
            .order_by("action_id", "at", "pk")
        )
        for update in updates:
            if update.reviewed_in_id == meeting.pk:
                reviews[update.action_id] = update
                continue
            if update.at >= cut:
                continue  # a review in another meeting, after this one opened
            if update.status and update.action_id in changed_since:
                status_then[update.action_id] = (update.status, update.at)
            if update.note:
                notes[update.action_id] = update
    summary = ActionSummary(meeting=meeting, previous=previous)
    for action in actions:
        if action.status_changed_at < cut:
            status, finished_at = action.status, action.status_changed_at
        else:
            status, finished_at = status_then.get(action.pk, (ActionStatus.OPEN, None))
        entry = SummaryEntry(
            action=action,
            status_then=status,
            finished_at=finished_at if status in FINISHED else None,
            review=reviews.get(action.pk),
            last_note=notes.get(action.pk),
        )
        if status in FINISHED:
            if since is not None and finished_at is not None and finished_at <= since:
                continue  # finished before the previous meeting, reopened after this one
            (summary.done if status == ActionStatus.DONE else summary.dropped).append(entry)
        else:
            getattr(summary, status).append(entry)
    return summary


# -- Lists ---------------------------------------------------------------------------------------

URGENCY = Case(
    When(status__in=FINISHED, then=Value(2)),
    When(due_on__isnull=False, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def my_actions(board: Board, person) -> QuerySet[ActionItem]:
    """The person's own actions and the board-wide ones: unfinished first, those due soonest
    (overdue first) at the top, then undated ones oldest first."""
    return with_origin(
        ActionItem.objects.of_board(board)
        .filter(Q(pk__in=ActionItem.objects.filter(owners=person).values("pk")) | Q(for_all=True))
        .annotate(urgency=URGENCY)
        .order_by("urgency", "due_on", "created_at", "pk")
    )


@dataclass(frozen=True)
class MyActions:
    unfinished: list[ActionItem]
    overdue: int
    recently_finished: list[ActionItem]


RECENTLY = dt.timedelta(days=60)


def my_actions_summary(
    board: Board, person, *, finished_limit: int = 20, with_owners: bool = True
) -> MyActions:
    """`with_owners=False` for a view that never names them (the dashboard's card): one
    query fewer."""
    today = timezone.localdate()
    unfinished = my_actions(board, person).filter(status__in=UNFINISHED)
    if not with_owners:
        unfinished = unfinished.prefetch_related(None)
    unfinished = list(unfinished)
    finished = list(
        my_actions(board, person)
        .filter(status__in=FINISHED, status_changed_at__gte=timezone.now() - RECENTLY)
        .order_by("-status_changed_at", "-pk")[:finished_limit]
    )
    overdue = sum(1 for action in unfinished if action.is_overdue(today))
    return MyActions(unfinished=unfinished, overdue=overdue, recently_finished=finished)


def history_of(action: ActionItem) -> list[ActionUpdate]:
    return list(action.updates.select_related("author", "reviewed_in").order_by("at", "pk"))


def items_with_actions(meeting: Meeting, item_ids: list[int]) -> dict[int, list[ActionItem]]:
    """The actions raised under each of `item_ids`, in the order they were said."""
    by_item: dict[int, list[ActionItem]] = {}
    actions = (
        ActionItem.objects.filter(meeting=meeting, item_id__in=item_ids)
        .select_related("board")
        .prefetch_related(Prefetch("owners"))
        .order_by("created_at", "pk")
    )
    for action in actions:
        by_item.setdefault(action.item_id, []).append(action)
    return by_item
