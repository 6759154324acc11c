"""Reads several pages share: the action summary of a meeting, a member's actions, the board's.

Each is a fixed number of queries whatever the number of actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from actions.models import FINISHED, UNFINISHED, ActionItem, ActionStatus, ActionUpdate
from governance.compiled import CompiledQuery
from governance.models import Board, User
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


# -- The summary on the meeting page: whole when short, folded when long ----------------------

# A summary with more entries than this shows its groups' counts, each group's entries loaded
# when it is opened (`summary_group`), a page at a time.
FOLD_SUMMARY_OVER = 30
SUMMARY_PAGE_SIZE = 100
GROUP_HEADINGS = {
    "open": "Open",
    "in_progress": "In progress",
    "waiting": "Waiting on someone else",
    "done": "Done since the previous meeting",
    "dropped": "Dropped since the previous meeting",
}


@dataclass(frozen=True)
class Opening:
    """What the summary's queries ask of a meeting: which one, its board, when it was planned
    to start and when it opened, and its day (which says what is overdue). Plain values, so
    that the queries can be compiled once with stand-ins for them (`meeting_actions`)."""

    meeting_id: int
    board_id: int
    starts_at: dt.datetime
    opened_at: dt.datetime
    date: dt.date

    @classmethod
    def of(cls, meeting: Meeting) -> Opening:
        return cls(
            meeting_id=meeting.pk,
            board_id=meeting.board_id,
            starts_at=meeting.starts_at,
            opened_at=meeting.opened_at,
            date=meeting.date,
        )


def _previous_of(opening: Opening) -> QuerySet[Meeting]:
    """`meeting.previous()` as a query to nest (one statement less)."""
    return (
        Meeting.objects.filter(board_id=opening.board_id)
        .filter(
            Q(starts_at__lt=opening.starts_at)
            | Q(starts_at=opening.starts_at, pk__lt=opening.meeting_id)
        )
        .order_by("-starts_at", "-pk")
    )


def _as_then(opening: Opening) -> dict:
    """Annotations saying, in SQL, how each action stood when the meeting opened: what
    `action_summary_for` works out from the history in Python, without loading it."""
    cut = opening.opened_at
    changes = (
        ActionUpdate.objects.filter(action=OuterRef("pk"), at__lt=cut)
        .exclude(status="")
        .order_by("-at", "-pk")
    )
    return {
        "since": Subquery(
            _previous_of(opening).values(opened=Coalesce("started_at", "starts_at"))[:1]
        ),
        "status_then": Case(
            When(status_changed_at__lt=cut, then=F("status")),
            default=Coalesce(Subquery(changes.values("status")[:1]), Value(ActionStatus.OPEN)),
        ),
        "finished_then": Case(
            When(status_changed_at__lt=cut, then=F("status_changed_at")),
            default=Subquery(changes.values("at")[:1]),
        ),
    }


def _in_summary(opening: Opening) -> Q:
    """Raised before the meeting opened, and not finished by the previous meeting."""
    return Q(board_id=opening.board_id, created_at__lt=opening.opened_at) & ~Q(
        Q(since__isnull=False, status_then__in=FINISHED, finished_then__lte=F("since"))
    )


def summary_rows(opening: Opening) -> QuerySet[ActionItem]:
    """The actions in the meeting's summary, each with `status_then` and `finished_then`."""
    return ActionItem.objects.annotate(**_as_then(opening)).filter(_in_summary(opening))


def _with_history(queryset: QuerySet[ActionItem], opening: Opening) -> QuerySet[ActionItem]:
    """The last progress note before the meeting and the chair's review in it, as columns."""
    notes = (
        ActionUpdate.objects.filter(action=OuterRef("pk"), at__lt=opening.opened_at)
        .exclude(note="")
        .order_by("-at", "-pk")
    )
    reviews = ActionUpdate.objects.filter(
        action=OuterRef("pk"), reviewed_in_id=opening.meeting_id
    ).order_by("-at", "-pk")
    return queryset.annotate(
        last_note_text=Subquery(notes.values("note")[:1]),
        review_id=Subquery(reviews.values("pk")[:1]),
        review_status=Subquery(reviews.values("status")[:1]),
        review_note=Subquery(reviews.values("note")[:1]),
    )


def _entry_of(action: ActionItem) -> SummaryEntry:
    status = action.status_then
    return SummaryEntry(
        action=action,
        status_then=status,
        finished_at=action.finished_then if status in FINISHED else None,
        review=(
            ActionUpdate(
                pk=action.review_id,
                action=action,
                status=action.review_status or "",
                note=action.review_note or "",
            )
            if action.review_id is not None
            else None
        ),
        last_note=(
            ActionUpdate(action=action, note=action.last_note_text)
            if action.last_note_text
            else None
        ),
    )


@dataclass
class SummaryGroup:
    key: str
    heading: str
    count: int


@dataclass
class FoldedSummary:
    """A long summary as the meeting page first shows it: how many in each group, and how many
    overdue and reviewed; the entries load when a group is opened."""

    meeting: Meeting
    counts: dict[str, int]
    overdue: int
    reviewed_count: int
    has_previous: bool
    folded: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def groups(self) -> list[SummaryGroup]:
        return [
            SummaryGroup(key, heading, self.counts.get(key, 0))
            for key, heading in GROUP_HEADINGS.items()
        ]

    def __bool__(self) -> bool:
        return self.total > 0


def _counted(opening: Opening) -> QuerySet:
    """The summary's groups counted in the database, no entry loaded: one row, `counts`."""
    reviewed = ActionUpdate.objects.filter(action=OuterRef("pk"), reviewed_in_id=opening.meeting_id)
    counts = {key: Count("pk", filter=Q(status_then=key)) for key in GROUP_HEADINGS}
    return (
        summary_rows(opening)
        .annotate(was_reviewed=Exists(reviewed))
        .order_by()
        .values("board_id")  # one board: one row
        .annotate(
            counts=JSONObject(
                **counts,
                overdue=Count("pk", filter=Q(status_then__in=UNFINISHED, due_on__lt=opening.date)),
                reviewed=Count("pk", filter=Q(was_reviewed=True)),
                previous=Count("since"),
            )
        )
        .values("counts")
    )


def _folded(meeting: Meeting, found: dict) -> FoldedSummary:
    return FoldedSummary(
        meeting=meeting,
        counts={key: found[key] for key in GROUP_HEADINGS},
        overdue=found["overdue"],
        reviewed_count=found["reviewed"],
        has_previous=bool(found["previous"]),
    )


def summary_counts(meeting: Meeting) -> FoldedSummary:
    found = _counted(Opening.of(meeting)).first()
    return _folded(
        meeting,
        found["counts"]
        if found
        else dict.fromkeys(GROUP_HEADINGS, 0) | {"overdue": 0, "reviewed": 0, "previous": 0},
    )


@dataclass
class MeetingActions:
    """What the meeting page shows of actions: those raised under its items, and the summary it
    opens with (whole, or folded when long)."""

    by_item: dict[int, list[ActionItem]]
    summary: ActionSummary | FoldedSummary


# The columns `meeting_actions` reads: an action's own, its meeting's (as select_related would
# give it), then what the query works out.
ACTION_COLUMNS = tuple(field.attname for field in ActionItem._meta.concrete_fields)
MEETING_COLUMNS = tuple(f"meeting__{field.name}" for field in Meeting._meta.concrete_fields)
WORKED_OUT = (
    "since",
    "status_then",
    "finished_then",
    "last_note_text",
    "review_id",
    "review_status",
    "review_note",
    "summary_total",
    "summary_counts",
    "previous_title",
)


def meeting_action_rows(opening: Opening) -> QuerySet:
    """The one query of `meeting_actions` (its definition): the actions raised under the
    meeting's items and, when the summary is short, the summary's, one row per owner, each
    with its meeting's columns, how it stood when the meeting opened, its last note and review,
    the summary's total and counts, and the previous meeting's title. When the summary is long,
    one entry of it, so that its counts come back with the rows."""
    total = Subquery(
        summary_rows(opening).order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    )
    return (
        _with_history(ActionItem.objects.annotate(**_as_then(opening)), opening)
        .annotate(
            summary_total=total,
            summary_counts=Subquery(_counted(opening)),
            owner_pk=F("owners__pk"),
            owner_name=F("owners__full_name"),
            owner_email=F("owners__email"),
            previous_title=Subquery(_previous_of(opening).values("title")[:1]),
        )
        .filter(
            # Every item's: the caller keeps those of the items it shows. (No list of items
            # here, so that the SQL is the same for every meeting.)
            Q(meeting_id=opening.meeting_id, item__isnull=False)
            | (_in_summary(opening) & Q(summary_total__lte=FOLD_SUMMARY_OVER))
            | Q(pk=Subquery(summary_rows(opening).order_by("pk").values("pk")[:1]))
        )
        .order_by("meeting__starts_at", "created_at", "pk", "owners__full_name")
        .values(
            *ACTION_COLUMNS, *MEETING_COLUMNS, *WORKED_OUT, "owner_pk", "owner_name", "owner_email"
        )
    )


# Compiled once per process and database (governance.compiled): Django took longer to build
# this query's dozen subqueries than the database took to answer it (about 60 ms of the
# meeting page's 106 on the demo board).
MEETING_ACTION_ROWS = CompiledQuery(
    lambda **values: meeting_action_rows(Opening(**values)),
    meeting_id=2_000_000_023,
    board_id=2_000_000_029,
    starts_at=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    opened_at=dt.datetime(2001, 2, 3, 5, 7, 9, 123_457, tzinfo=dt.UTC),
    date=dt.date(2001, 2, 7),
)


def _actions_of(rows: list[dict], meeting: Meeting) -> list[ActionItem]:
    """The rows (one per owner) as actions, in their order, each with its meeting, its board
    (the page's), the query's columns as attributes and `owners_read` set."""
    db = meeting._state.db or DEFAULT_DB_ALIAS
    meetings: dict[int, Meeting] = {meeting.pk: meeting}
    actions: dict[int, ActionItem] = {}
    for row in rows:
        action = actions.get(row["id"])
        if action is None:
            action = ActionItem.from_db(db, ACTION_COLUMNS, [row[c] for c in ACTION_COLUMNS])
            action.board = meeting.board
            if action.meeting_id is not None:
                origin = meetings.get(action.meeting_id)
                if origin is None:
                    origin = meetings[action.meeting_id] = Meeting.from_db(
                        db,
                        [column.removeprefix("meeting__") for column in MEETING_COLUMNS],
                        [row[column] for column in MEETING_COLUMNS],
                    )
                    origin.board = meeting.board
                action.meeting = origin
            for name in WORKED_OUT:
                setattr(action, name, row[name])
            action.__dict__["owners_read"] = []
            actions[action.pk] = action
        if row["owner_pk"] is not None:
            action.owners_read.append(
                User(pk=row["owner_pk"], full_name=row["owner_name"], email=row["owner_email"])
            )
    return list(actions.values())


def meeting_actions(meeting: Meeting, item_ids: list[int]) -> MeetingActions:
    """The actions raised under `item_ids` and the summary `meeting` opens with, whole when
    short and counted when long: one query (compiled once), owners and counts included."""
    opening = Opening.of(meeting)
    rows = MEETING_ACTION_ROWS.rows(using=meeting._state.db or DEFAULT_DB_ALIAS, **vars(opening))
    return _meeting_actions_of(meeting, item_ids, rows)


def _meeting_actions_of(meeting: Meeting, item_ids: list[int], rows: list[dict]) -> MeetingActions:
    cut = meeting.opened_at
    actions = _actions_of(rows, meeting)
    by_item: dict[int, list[ActionItem]] = {}
    wanted = set(item_ids)
    for action in sorted(actions, key=lambda action: (action.created_at, action.pk)):
        if action.meeting_id == meeting.pk and action.item_id in wanted:
            by_item.setdefault(action.item_id, []).append(action)
    if not actions:
        return MeetingActions(
            by_item=by_item, summary=ActionSummary(meeting=meeting, previous=None)
        )
    if actions[0].summary_total > FOLD_SUMMARY_OVER:
        return MeetingActions(by_item=by_item, summary=_folded(meeting, actions[0].summary_counts))
    summary = ActionSummary(
        meeting=meeting,
        previous=(
            Meeting(title=actions[0].previous_title, board_id=meeting.board_id)
            if actions[0].previous_title is not None
            else None
        ),
    )
    for action in actions:
        if action.created_at >= cut or (
            action.since is not None
            and action.status_then in FINISHED
            and action.finished_then <= action.since
        ):
            continue
        entry = _entry_of(action)
        if entry.status_then == ActionStatus.DONE:
            summary.done.append(entry)
        elif entry.status_then == ActionStatus.DROPPED:
            summary.dropped.append(entry)
        else:
            getattr(summary, entry.status_then).append(entry)
    return MeetingActions(by_item=by_item, summary=summary)


@dataclass(frozen=True)
class SummaryPage:
    key: str
    heading: str
    entries: list[SummaryEntry]
    page: int
    has_more: bool


# Earlier than any status change: `since` for a board's first meeting.
BEFORE_ANY_CHANGE = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def _could_be_in(opening: Opening, key: str) -> Q:
    """What `status_then=key` implies about an action's own indexed columns, so that the
    database skips every other action before working out anyone's status then (by far most of
    a long-lived board's actions were finished long ago). Follows `_as_then`: an action whose
    status last changed before the meeting opened stood at that status, and if finished, finished
    then, which `_in_summary` keeps only after the previous meeting opened; one whose status
    changed since could have stood at any."""
    cut = opening.opened_at
    then = Q(status=key, status_changed_at__lt=cut)
    if key in FINISHED:
        since = Subquery(
            _previous_of(opening).values(opened=Coalesce("started_at", "starts_at"))[:1]
        )
        then &= Q(status_changed_at__gt=Coalesce(since, Value(BEFORE_ANY_CHANGE)))
    return then | Q(status_changed_at__gte=cut)


def summary_group(meeting: Meeting, key: str, page: int) -> SummaryPage:
    """One page of one group of `meeting`'s summary (`key` one of GROUP_HEADINGS), with
    owners: two queries. The page's actions are picked by a narrow inner select (ids only), so
    the history columns and the joined board and meeting are read for a page, not the group."""
    offset = (page - 1) * SUMMARY_PAGE_SIZE
    opening = Opening.of(meeting)
    order = ("meeting__starts_at", "created_at", "pk")
    page_ids = (
        summary_rows(opening)
        .filter(_could_be_in(opening, key), status_then=key)
        .order_by(*order)
        .values("pk")[offset : offset + SUMMARY_PAGE_SIZE + 1]
    )
    rows = list(
        _with_history(ActionItem.objects.annotate(**_as_then(opening)), opening)
        .filter(pk__in=page_ids)
        .select_related("board", "meeting")
        .prefetch_related("owners")
        .order_by(*order)
    )
    return SummaryPage(
        key=key,
        heading=GROUP_HEADINGS[key],
        entries=[_entry_of(action) for action in rows[:SUMMARY_PAGE_SIZE]],
        page=page,
        has_more=len(rows) > SUMMARY_PAGE_SIZE,
    )


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
    # Only what a row shows: the meeting's address is built from the page's board, so neither
    # the meeting's board nor the agenda item is joined.
    return (
        ActionItem.objects.of_board(board)
        .filter(Q(pk__in=ActionItem.objects.filter(owners=person).values("pk")) | Q(for_all=True))
        .select_related("board", "meeting")
        .prefetch_related("owners")
        .annotate(urgency=URGENCY)
        .order_by("urgency", "due_on", "created_at", "pk")
    )


@dataclass(frozen=True)
class MyActions:
    """A member's unfinished actions a page at a time (overdue first), counted whole."""

    # The page shown: the most urgent first.
    unfinished: list[ActionItem]
    open_count: int
    overdue: int
    # Of the open ones, how many are the whole board's rather than the person's own.
    for_all_count: int
    recently_finished: list[ActionItem]
    page: Page | None = None

    @property
    def own_count(self) -> int:
        return self.open_count - self.for_all_count


RECENTLY = dt.timedelta(days=60)
MY_ACTIONS_PER_PAGE = 10


def _my_counts(board_id: int, person_id: int, today: dt.date) -> QuerySet:
    """The person's unfinished actions counted: one row (none when there are none)."""
    return (
        my_actions(Board(pk=board_id), User(pk=person_id))
        .filter(status__in=UNFINISHED)
        .order_by()
        .values("board_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            for_all=Count("pk", filter=Q(for_all=True)),
        )
    )


def _my_first_page(board_id: int, person_id: int, per_page: int, with_owners: bool):
    unfinished = my_actions(Board(pk=board_id), User(pk=person_id)).filter(status__in=UNFINISHED)
    if not with_owners:
        unfinished = unfinished.prefetch_related(None)
    return unfinished[:per_page]


def _my_finished(board_id: int, person_id: int, since: dt.datetime, limit: int):
    return (
        my_actions(Board(pk=board_id), User(pk=person_id))
        .filter(status__in=FINISHED, status_changed_at__gte=since)
        .order_by("-status_changed_at", "-pk")[:limit]
    )


# A member's own page and the dashboard's card ask these on every view: compiled once per
# process (governance/compiled.py); pages past the first go the ORM's way.
_PERSON = {"board_id": 2_000_000_801, "person_id": 2_000_000_803}
_my_counts_of = CompiledQuery(_my_counts, **_PERSON, today=dt.date(2001, 2, 5))
_my_first_page_of = CompiledQuery(_my_first_page, **_PERSON)
_my_finished_of = CompiledQuery(
    _my_finished, **_PERSON, since=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC)
)


def my_actions_summary(
    board: Board,
    person,
    *,
    page: str | int | None = 1,
    per_page: int = MY_ACTIONS_PER_PAGE,
    finished_limit: int = 20,
    with_owners: bool = True,
) -> MyActions:
    """The counts by one aggregate, one page of the unfinished, the recently finished: a fixed
    number of queries and rows however many actions the person has had over the years.
    `with_owners=False` for a view that never names them (the dashboard's card): one query
    fewer. `page` is what the visitor asked for; a page that is not one shows the nearest."""
    ids = {"board_id": board.pk, "person_id": person.pk}
    counted = _my_counts_of.results(**ids, today=timezone.localdate())
    counts = counted[0] if counted else {"open": 0, "overdue": 0, "for_all": 0}
    unfinished = my_actions(board, person).filter(status__in=UNFINISHED)
    if not with_owners:
        unfinished = unfinished.prefetch_related(None)
    paginator = Paginator(unfinished, per_page)
    paginator.count = counts["open"]  # known already: no second count query
    shown = paginator.get_page(page)
    if counts["open"] and shown.number == 1:
        shown.object_list = _my_first_page_of.results(
            **ids, shape={"per_page": per_page, "with_owners": with_owners}
        )
    finished = []
    if finished_limit:
        finished = _my_finished_of.results(
            **ids, since=timezone.now() - RECENTLY, shape={"limit": finished_limit}
        )
    return MyActions(
        unfinished=list(shown.object_list) if counts["open"] else [],
        open_count=counts["open"],
        overdue=counts["overdue"],
        for_all_count=counts["for_all"],
        recently_finished=finished,
        page=shown,
    )


def history_of(action: ActionItem) -> list[ActionUpdate]:
    return list(action.updates.select_related("author", "reviewed_in").order_by("at", "pk"))


# An item under which more actions than this were raised shows their count; they load when
# opened (`item_actions_page`), a page at a time.
FOLD_ITEM_ACTIONS_OVER = 20


@dataclass(frozen=True)
class FoldedItemActions:
    item_id: int
    count: int
    folded: bool = True

    def __bool__(self) -> bool:
        return self.count > 0


def fold_item_actions(actions: list[ActionItem]) -> list[ActionItem] | FoldedItemActions:
    if len(actions) > FOLD_ITEM_ACTIONS_OVER:
        return FoldedItemActions(item_id=actions[0].item_id, count=len(actions))
    return actions


def item_actions_page(meeting: Meeting, item_id: int, page: int) -> tuple[list[ActionItem], bool]:
    """One page of the actions raised under an item, in the order they were said, and whether
    there are more: two queries (the actions, their owners)."""
    offset = (page - 1) * SUMMARY_PAGE_SIZE
    actions = list(
        ActionItem.objects.filter(meeting=meeting, item_id=item_id)
        .select_related("board")
        .prefetch_related(Prefetch("owners"))
        .order_by("created_at", "pk")[offset : offset + SUMMARY_PAGE_SIZE + 1]
    )
    return actions[:SUMMARY_PAGE_SIZE], len(actions) > SUMMARY_PAGE_SIZE
