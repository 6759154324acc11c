"""Every change to a meeting's record. Views, the admin and the demo loader all come through here.

Each service runs in one transaction, writes an audit row, and bumps `Meeting.live_version`
so that members' live views notice the change on their next poll.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Value, When
from django.utils import timezone

from governance import audit
from governance.formatting import day, when
from governance.models import Board
from governance.text import DESCRIPTION_MAX, text_refusal
from meetings.access import AS_STORED

# Attendance lives in its own module; callers keep finding it here.
from meetings.attendance import (  # noqa: F401
    apologies_send,
    apologies_withdraw,
    attendance_add_guest,
    attendance_depart,
    attendance_mark,
    attendance_return,
)
from meetings.errors import (
    EmptyNote,
    InvalidAgendaChange,
    InvalidSchedule,
    MeetingNotOpen,
    RecordClosed,
    SpeakerAmbiguous,
    SpeakerUnknown,
    StaleSummary,
    StartNeedsConfirmation,
)
from meetings.locking import (  # noqa: F401  (re-exported: other apps lock and notify here)
    _changed,
    _claimed,
    _locked,
    _now,
    _recorded,
    meeting_changed,
    meeting_lock_for_change,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Note,
    Presence,
)

# Re-exported: other apps match names as the console matches speakers.
from meetings.queries import quorum_required_for, quorum_rule_for
from meetings.speakers import match_speaker, split_speaker  # noqa: F401


def starts_text(meeting: Meeting) -> str:
    """'Thu 15 May 2014, 16:00 BST', or the day alone when the minutes gave no time."""
    if not meeting.time_of_day_known:
        return f"{day(meeting.date)} (time not recorded)"
    return when(meeting.starts_at)


# -- The meeting -----------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    board: Board,
    title: str,
    starts_at: dt.datetime | None,
    actor,
    kind: str = MeetingKind.REGULAR,
    time_of_day_known: bool = True,
    planned_end_at: dt.datetime | None = None,
    location: str = "",
    dial_in: str = "",
    chair=None,
    minute_taker=None,
) -> Meeting:
    """Put a meeting in the board's calendar. Without a time of day (a meeting entered from old
    minutes that give only its date), `starts_at` is that day's midnight in the board's zone."""
    if starts_at is None:
        raise InvalidSchedule("Give the day the meeting is held.")
    if not title.strip():
        raise InvalidSchedule("Give the meeting a title.")
    if kind not in MeetingKind.values:
        raise InvalidSchedule("Choose a regular, extraordinary or annual meeting.")
    if planned_end_at is not None and planned_end_at <= starts_at:
        raise InvalidSchedule("The meeting must end after it starts.")
    if not time_of_day_known:
        midnight = dt.datetime.combine(
            timezone.localtime(starts_at, board.zone).date(), dt.time(), board.zone
        )
        starts_at, planned_end_at = midnight, None
    if Meeting.objects.filter(board=board, starts_at=starts_at).exists():
        raise InvalidSchedule(
            f"{board} already has a meeting starting {when(starts_at)}; choose another time."
        )
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                board=board,
                title=title.strip(),
                kind=kind,
                starts_at=starts_at,
                time_of_day_known=time_of_day_known,
                planned_end_at=planned_end_at,
                location=location.strip(),
                dial_in=dial_in.strip(),
                chair=chair,
                minute_taker=minute_taker,
            )
    except IntegrityError as error:
        # Another officer scheduled one at the same moment since the check above.
        raise InvalidSchedule(
            f"{board} already has a meeting starting then; choose another time."
        ) from error
    audit.record(
        board=board,
        actor=actor,
        action="meeting.schedule",
        target=meeting,
        summary=f"Scheduled the {meeting.get_kind_display().lower()} meeting “{meeting.title}” "
        f"for {day(meeting.date)}",
    )
    return meeting


# Starting further than this from the scheduled time is probably a mistake (the wrong meeting,
# or the wrong day), so it is asked about; if meant, the meeting is recorded as held that day.
START_CONFIRM_AFTER = dt.timedelta(hours=12)
# What the console's and the agenda's forms allow, held here too for every other caller.
TITLE_MAX = 200
SUMMARY_MAX = 20_000
NOTE_TEXT_MAX = 5_000


def start_is_far_from_schedule(meeting: Meeting, at: dt.datetime) -> bool:
    if not meeting.time_of_day_known:
        return timezone.localtime(at, meeting.board.zone).date() != meeting.date
    return abs(at - meeting.starts_at) > START_CONFIRM_AFTER


def _quorum_rule_kept(meeting: Meeting) -> list[str]:
    """Keep on the meeting the quorum rule in force on its (real) date and the number it
    requires, so that a later change of the board's rule never rewrites its record. A meeting
    started before (a resumed one) keeps what it has."""
    if meeting.quorum_required is not None:
        return []
    meeting.__dict__.pop("_quorum_rule_in_force", None)  # the date may just have moved
    rule = quorum_rule_for(meeting)
    meeting.quorum_required = quorum_required_for(meeting)
    meeting.quorum_rule_text = rule.describe_quorum_rule()
    meeting.quorum_voting_basis = rule.voting_basis
    meeting.quorum_rule_from = getattr(rule, "effective_from", None)
    return ["quorum_required", "quorum_rule_text", "quorum_voting_basis", "quorum_rule_from"]


@transaction.atomic
def meeting_start(
    *,
    meeting: Meeting,
    actor,
    at: dt.datetime | None = None,
    confirm_other_day: bool = False,
) -> Meeting:
    """Open the meeting. Starting far from the scheduled time needs `confirm_other_day`, and
    then the meeting is held (and listed) on the real day, its planned start kept beside it.
    Starting without quorum is allowed, as boards do: the record says so."""
    locked = _locked(meeting)
    if locked.is_in_progress:
        raise MeetingNotOpen("The meeting is already in progress.")
    now = _now(at)
    fields = ["status", "started_at"]
    if start_is_far_from_schedule(locked, now):
        if not confirm_other_day:
            raise StartNeedsConfirmation(
                f"This meeting is scheduled for {starts_text(locked)}, not now. Start it anyway? "
                f"It will be recorded as held on {day(now)}."
            )
        if Meeting.objects.filter(board=locked.board, starts_at=now).exclude(pk=locked.pk).exists():
            raise MeetingNotOpen("Another meeting of the board starts at this very moment.")
        locked.scheduled_for = locked.starts_at
        locked.starts_at = now
        locked.time_of_day_known = True
        if locked.planned_end_at is not None:
            locked.planned_end_at = now + (locked.planned_end_at - locked.scheduled_for)
        fields += ["scheduled_for", "starts_at", "time_of_day_known", "planned_end_at"]
    locked.status = MeetingStatus.IN_PROGRESS
    locked.started_at = now
    fields += _quorum_rule_kept(locked)
    locked.save(update_fields=fields)
    first = locked.items.in_order().first()
    if first is not None and locked.current_item_id is None:
        _open_item(locked, first, now)
    moved = f", scheduled for {day(locked.scheduled_for)}" if "scheduled_for" in fields else ""
    _recorded(
        locked,
        actor=actor,
        action="meeting.start",
        target=locked,
        summary=f"Started the meeting “{locked.title}” at {when(now, 'time')}{moved}; quorum "
        f"{locked.quorum_required} ({locked.quorum_rule_text})",
    )
    return locked


@transaction.atomic
def meeting_adjourn(*, meeting: Meeting, actor, at: dt.datetime | None = None) -> Meeting:
    locked = _locked(meeting)
    if not locked.is_in_progress:
        raise MeetingNotOpen("Only a meeting in progress can be adjourned.")
    now = _now(at)
    if now < locked.started_at:
        raise MeetingNotOpen("A meeting cannot be adjourned before it started.")
    if locked.current_item_id:
        AgendaItem.objects.filter(
            pk=locked.current_item_id, ended_at__isnull=True, started_at__lte=now
        ).update(ended_at=now)
    locked.status = MeetingStatus.ADJOURNED
    locked.adjourned_at = now
    locked.current_item = None
    locked.save(update_fields=["status", "adjourned_at", "current_item"])
    _recorded(
        locked,
        actor=actor,
        action="meeting.adjourn",
        target=locked,
        summary=f"Adjourned the meeting “{locked.title}” at {when(now, 'time')}",
    )
    return locked


# -- The agenda ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDetails:
    """What a person may set on an agenda item; the record (summary, times) is set elsewhere."""

    title: str
    kind: str = ItemKind.DISCUSSION
    planned_minutes: int | None = None
    presenter: object | None = None
    description: str = ""
    board_only: bool = False
    embargo_until: dt.datetime | None = None

    def validated(self) -> ItemDetails:
        if not self.title.strip():
            raise InvalidAgendaChange("Give the item a title.")
        if self.kind not in ItemKind.values:
            raise InvalidAgendaChange("Choose information, discussion or decision.")
        for value, limit, noun in (
            (self.title, TITLE_MAX, "the title"),
            (self.description, DESCRIPTION_MAX, "the background"),
        ):
            if refusal := text_refusal(value, limit=limit, noun=noun):
                raise InvalidAgendaChange(refusal)
        return self


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, details: ItemDetails, actor, submission: uuid.UUID | None = None
) -> AgendaItem:
    """Add an item at the end of the agenda. A form's `submission` key sent again (a double
    click, a retried or parallel post) finds the item it added, under the meeting's lock."""
    details = details.validated()
    locked = _locked(meeting)
    if submission and (first := AgendaItem.objects.filter(submission=submission).first()):
        if first.meeting_id != locked.pk:
            raise InvalidAgendaChange("That form belongs to another meeting; reload the page.")
        return first
    last = locked.items.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem.objects.create(
        meeting=locked,
        position=(last or 0) + 1,
        title=details.title.strip(),
        kind=details.kind,
        planned_minutes=details.planned_minutes,
        presenter=details.presenter,
        description=details.description.strip(),
        board_only=details.board_only,
        embargo_until=details.embargo_until,
        submission=submission,
    )
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.add",
        target=item,
        summary=f"Added “{item.title}” to the agenda of “{locked.title}”",
    )
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, details: ItemDetails, actor) -> AgendaItem:
    details = details.validated()
    locked = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, fields=[*ItemDetails.__dataclass_fields__])
    changed = []
    for name in ItemDetails.__dataclass_fields__:
        value = getattr(details, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if changed:
        item.save(update_fields=changed)
        _recorded(
            locked,
            actor=actor,
            action="agenda_item.update",
            target=item,
            summary=f"Edited the agenda item “{item.title}”",
            data={"fields": changed},
            changes=audit.changes_between(
                before, audit.snapshot(item, fields=[*ItemDetails.__dataclass_fields__])
            ),
        )
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, offset: int, actor) -> AgendaItem:
    """Move an item up (offset -1) or down (+1); positions are renumbered 1..n."""
    locked = _locked(item.meeting)
    items = list(locked.items.in_order())
    index = next((i for i, each in enumerate(items) if each.pk == item.pk), None)
    if index is None:
        raise InvalidAgendaChange("That item is not on this meeting's agenda.")
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(items):
        raise InvalidAgendaChange(
            "The item is already first." if offset < 0 else "The item is already last."
        )
    items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.move",
        target=item,
        summary=f"Moved “{item.title}” {'up' if offset < 0 else 'down'} the agenda",
    )
    return items[target]


def _open_item(
    meeting: Meeting,
    item: AgendaItem,
    now: dt.datetime,
    *,
    agenda: Iterable[AgendaItem] = (),
    stored: bool = False,
) -> None:
    """`item` becomes the one under discussion, the one before it done: both items in one
    UPDATE, and the meeting's current item unless it was `stored` with the lock. The caller's
    `agenda` (the items as it read them) is kept in step, to be shown as it now stands."""
    previous = meeting.current_item_id
    ended = Value(None, output_field=DateTimeField())
    AgendaItem.objects.filter(pk__in={item.pk, previous or item.pk}).update(
        started_at=Case(
            When(pk=item.pk, started_at__isnull=True, then=Value(now)), default=F("started_at")
        ),
        ended_at=Case(
            When(pk=item.pk, then=ended),
            When(pk=previous, started_at__lte=now, ended_at__isnull=True, then=Value(now)),
            default=F("ended_at"),
        ),
    )
    for each in {id(item): item, **{id(other): other for other in agenda}}.values():
        if each.pk == item.pk:
            each.started_at, each.ended_at = each.started_at or now, None
        elif each.pk == previous and each.ended_at is None and each.started_at:
            each.ended_at = now if each.started_at <= now else None
    meeting.current_item = item
    if not stored:
        meeting.save(update_fields=["current_item"])


@transaction.atomic
def agenda_item_open(
    *,
    item: AgendaItem,
    actor,
    at: dt.datetime | None = None,
    agenda: list[AgendaItem] | None = None,
) -> AgendaItem:
    """Make `item` the one under discussion; the one before it is marked done. Afterwards
    `item.meeting` is the meeting as it now stands.

    A meeting read as stored (the console's) is moved on by the UPDATE that locks it, when
    nothing changed since it was read; `agenda`, the items read with it, is kept in step."""
    meeting = item.meeting
    if meeting.__dict__.get(AS_STORED) and meeting.is_in_progress and item.meeting_id == meeting.pk:
        locked = _claimed(meeting, current_item=item)
        if locked is not None:
            return _item_open_locked(locked, item, actor=actor, at=at, agenda=agenda, stored=True)
    return _item_open_locked(_locked(meeting), item, actor=actor, at=at, agenda=agenda)


def _item_open_locked(
    locked: Meeting,
    item: AgendaItem,
    *,
    actor,
    at: dt.datetime | None,
    agenda: list[AgendaItem] | None = None,
    stored: bool = False,
) -> AgendaItem:
    if not locked.is_in_progress:
        raise MeetingNotOpen("Start the meeting before moving through the agenda.")
    if item.meeting_id != locked.pk:
        raise InvalidAgendaChange("That item is not on this meeting's agenda.")
    _open_item(locked, item, _now(at), agenda=agenda or (), stored=stored)
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.open",
        target=item,
        summary=f"Moved the meeting to “{item.title}”",
    )
    item.meeting = locked
    return item


def _next_of(meeting: Meeting, items: list[AgendaItem], after: int | None) -> AgendaItem:
    """The item after the current one (the first if none is open yet), as `after` expected."""
    if after is not None and meeting.current_item_id != after:
        current = next((item for item in items if item.pk == meeting.current_item_id), None)
        raise InvalidAgendaChange(
            f"The meeting had already moved on to “{current.title}”."
            if current
            else "The agenda moved on in the meantime; choose the item to open."
        )
    if not items:
        raise InvalidAgendaChange("The agenda is empty. Add an item first.")
    ids = [item.pk for item in items]
    index = ids.index(meeting.current_item_id) + 1 if meeting.current_item_id in ids else 0
    if index >= len(items):
        raise InvalidAgendaChange("This is the last item. Adjourn when the board is done.")
    return items[index]


@transaction.atomic
def agenda_next_item(
    *,
    meeting: Meeting,
    actor,
    at: dt.datetime | None = None,
    after: int | None = None,
    agenda: list[AgendaItem] | None = None,
) -> AgendaItem:
    """Open the item after the current one (the first if none is open yet).

    `after` is the item the recorder saw as current: if the meeting has moved on since (a
    double click, or a co-recorder), nothing moves, so one intent never skips two items.

    With a meeting read as stored and `agenda`, its items read after it, the item is chosen
    from them and the meeting moved on by the UPDATE that locks it, which holds only if nothing
    changed since; otherwise (or to refuse) the agenda is read again under the lock.
    """
    if agenda is not None and meeting.__dict__.get(AS_STORED) and meeting.is_in_progress:
        try:
            chosen = _next_of(meeting, agenda, after)
        except InvalidAgendaChange:
            chosen = None  # refused below, on what is stored
        locked = chosen and _claimed(meeting, current_item=chosen)
        if locked:
            return _item_open_locked(locked, chosen, actor=actor, at=at, agenda=agenda, stored=True)
    locked = _locked(meeting)
    items = list(locked.items.in_order())
    return _item_open_locked(locked, _next_of(locked, items, after), actor=actor, at=at)


@transaction.atomic
def item_summary_update(
    *, item: AgendaItem, summary: str, expected_version: int, actor
) -> AgendaItem:
    """Save the summary only if nobody else saved it since `expected_version` was read."""
    summary = summary.strip().replace("\r\n", "\n")
    if refusal := text_refusal(summary, limit=SUMMARY_MAX, noun="the summary"):
        raise InvalidAgendaChange(refusal)
    locked = _locked(item.meeting)
    now = timezone.now()
    updated = AgendaItem.objects.filter(pk=item.pk, summary_version=expected_version).update(
        summary=summary,
        summary_version=F("summary_version") + 1,
        summary_updated_by=actor,
        summary_updated_at=now,
    )
    if not updated:
        current = AgendaItem.objects.select_related("summary_updated_by").get(pk=item.pk)
        who = current.summary_updated_by or "Someone"
        at = f" at {when(current.summary_updated_at, 'time')}" if current.summary_updated_at else ""
        raise StaleSummary(
            f"{who} saved this summary{at}, after you began editing. Their version is shown; "
            "your text is kept in the box. Merge the two and save again.",
            current_text=current.summary,
            current_version=current.summary_version,
        )
    item.refresh_from_db()
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.summary",
        target=item,
        summary=f"Updated the summary of “{item.title}”",
        data={"version": item.summary_version},
    )
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor) -> None:
    """Take an item off the agenda before the meeting starts (once discussed, it is record)."""
    locked = _locked(item.meeting)
    if not locked.is_scheduled:
        raise InvalidAgendaChange(
            "Items come off the agenda only before the meeting starts; "
            "once it has started, leave the item undiscussed (it can be carried over)."
        )
    item = AgendaItem.objects.filter(pk=item.pk, meeting=locked).first()
    if item is None:
        raise InvalidAgendaChange("That item is not on this meeting's agenda.")
    title, pk, before = item.title, item.pk, audit.snapshot(item)
    item.delete()
    item.pk = pk  # so the audit entry names the row it removed
    items = list(locked.items.in_order().only("pk", "position"))
    for position, each in enumerate(items, start=1):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.remove",
        target=item,
        summary=f"Removed “{title}” from the agenda of “{locked.title}”",
        changes=audit.changes_between(before, {}),
    )


def unfinished_items_before(meeting: Meeting) -> list[AgendaItem]:
    """Items of the board's last adjourned meeting before this one that were never taken up,
    and not yet carried over onto this meeting."""
    previous = (
        Meeting.objects.filter(
            board_id=meeting.board_id,
            status=MeetingStatus.ADJOURNED,
            starts_at__lt=meeting.starts_at,
        )
        .order_by("-starts_at", "-pk")
        .first()
    )
    if previous is None:
        return []
    return list(
        previous.items.in_order()
        .filter(started_at__isnull=True)
        .exclude(carried_to__meeting=meeting)
        .select_related("presenter", "meeting")
    )


@transaction.atomic
def agenda_items_carry_over(
    *, meeting: Meeting, items: list[AgendaItem], actor
) -> list[AgendaItem]:
    """Put unfinished items of the last meeting at the end of this one's agenda."""
    locked = _locked(meeting)
    if not locked.is_scheduled:
        raise InvalidAgendaChange("Carry items over before the meeting starts.")
    offered = {item.pk: item for item in unfinished_items_before(locked)}
    chosen = [offered.get(item.pk) for item in items]
    if not chosen or None in chosen:
        raise InvalidAgendaChange("Choose items left unfinished at the last meeting.")
    last = locked.items.order_by("-position").values_list("position", flat=True).first() or 0
    carried = []
    for position, source in enumerate(chosen, start=last + 1):
        carried.append(
            AgendaItem.objects.create(
                meeting=locked,
                position=position,
                title=source.title,
                kind=source.kind,
                planned_minutes=source.planned_minutes,
                presenter=source.presenter,
                description=source.description,
                board_only=source.board_only,
                embargo_until=source.embargo_until,
                carried_from=source,
            )
        )
    _recorded(
        locked,
        actor=actor,
        action="agenda_item.carry_over",
        target=locked,
        summary=f"Carried over {', '.join(f'“{c.title}”' for c in carried)} "
        f"onto the agenda of “{locked.title}”",
        data={"items": [c.pk for c in carried], "from": [c.pk for c in chosen]},
    )
    return carried


@transaction.atomic
def agenda_publish(*, meeting: Meeting, actor, at: dt.datetime | None = None) -> Meeting:
    """Show the agenda to the whole board (officers see it as it is built)."""
    locked = _locked(meeting)
    if not locked.is_scheduled:
        raise InvalidAgendaChange("The meeting has started; its agenda is already public.")
    if not locked.items.exists():
        raise InvalidAgendaChange("The agenda is empty. Add an item before publishing it.")
    first = locked.agenda_published_at is None
    locked.agenda_published_at = _now(at)
    locked.save(update_fields=["agenda_published_at"])
    _recorded(
        locked,
        actor=actor,
        action="meeting.publish_agenda",
        target=locked,
        summary=f"{'Published' if first else 'Republished'} the agenda of “{locked.title}”",
    )
    return locked


# -- Notes -------------------------------------------------------------------------------------


@transaction.atomic
def note_record(
    *,
    item: AgendaItem,
    text: str,
    author,
    speaker: Attendance | None = None,
    attribute: bool = True,
    at: dt.datetime | None = None,
    board_only: bool = False,
    embargo_until: dt.datetime | None = None,
) -> Note:
    """Record one statement under `item`.

    With `attribute`, a leading "Name:" names the speaker among the attendees present; a name
    that matches nobody, or several people, is refused so the recorder can choose. Pass
    `speaker` to choose (the prefix is then dropped), or `attribute=False` to keep the text as
    written with no speaker. `board_only` and `embargo_until` keep the statement inside the
    board (for good, or until that moment) when the rest of the item is public.
    """
    meeting = item.meeting
    if meeting.is_adjourned:
        raise RecordClosed()
    if not meeting.is_in_progress:
        raise MeetingNotOpen("Start the meeting to record notes.")
    if refusal := text_refusal(text, limit=NOTE_TEXT_MAX, noun="the note"):
        raise EmptyNote(refusal)
    hint, statement = split_speaker(text)
    if speaker is not None:
        if speaker.meeting_id != meeting.pk:
            raise SpeakerUnknown("That speaker is not at this meeting.", hint=hint or "")
        if hint is None:
            statement = text.strip()
    elif attribute and hint is not None:
        # Those in the room now (marked present, in a stretch not yet ended), in one query.
        present = list(
            meeting.attendances.filter(
                Exists(Presence.objects.filter(attendance=OuterRef("pk"), departed_at=None)),
                status=AttendanceStatus.PRESENT,
            )
            .select_related("person")
            .order_by()
        )
        candidates = match_speaker(hint, present)
        if not candidates:
            raise SpeakerUnknown(
                f"Nobody present answers to “{hint}”. Choose a speaker, mark them present, "
                "or save the note without a speaker.",
                hint=hint,
            )
        if len(candidates) > 1:
            candidates.sort(key=lambda attendee: attendee.name)
            names = ", ".join(c.name for c in candidates)
            raise SpeakerAmbiguous(
                f"“{hint}” could be {names}. Choose who spoke.",
                hint=hint,
                candidates=candidates,
            )
        speaker = candidates[0]
    else:
        statement = text.strip()
    if not statement:
        raise EmptyNote(
            f"Write what {speaker.short_name} said after the colon."
            if speaker
            else "Write the note before saving it."
        )
    # The check that counts: bumping the version only while the meeting is in progress takes
    # the meeting's row lock in the same statement, so an adjournment committed since the
    # meeting was read refuses the note, and one starting now waits for it.
    still_open = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.IN_PROGRESS).update(
        live_version=F("live_version") + 1
    )
    if not still_open:
        raise RecordClosed(
            "The meeting was adjourned a moment ago; the note was not saved. Its record now "
            "changes only by a correction."
        )
    meeting.live_version = (meeting.live_version or 0) + 1
    note = Note.objects.create(
        item=item,
        speaker=speaker,
        text=statement,
        author=author,
        recorded_at=_now(at),
        board_only=board_only,
        embargo_until=embargo_until,
    )
    audit.record(
        board=meeting.board,
        actor=author,
        action="note.create",
        target=note,
        summary=f"Recorded a note under “{item.title}”",
    )
    return note
