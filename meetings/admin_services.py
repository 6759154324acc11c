"""The secretary's writes from the admin that the pages do not make: a meeting's details, a
scheduled meeting taken out of the calendar, a statement deleted while the meeting runs.

Each locks the meeting through the one guard (`services._locked`: an adjourned record changes
only by a correction), audits field by field and tells live pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from governance import audit
from governance.formatting import day, when
from meetings.errors import InvalidAgendaChange, InvalidSchedule
from meetings.locking import _locked, _recorded
from meetings.models import Meeting, MeetingKind, Note

# What the admin may change on a meeting; status, times and versions are the services' own.
MEETING_DETAILS = (
    "title",
    "kind",
    "starts_at",
    "time_of_day_known",
    "planned_end_at",
    "location",
    "dial_in",
    "chair_id",
    "minute_taker_id",
)


@transaction.atomic
def meeting_details_update(*, meeting: Meeting, actor, values: dict[str, Any]) -> Meeting:
    """Change what the calendar says about a meeting (not its record): refused once adjourned;
    the start moves only before the meeting starts."""
    locked = _locked(meeting)
    unknown = set(values) - set(MEETING_DETAILS)
    if unknown:
        raise InvalidSchedule(f"{', '.join(sorted(unknown))} cannot be changed here.")
    values = {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
    if "title" in values and not values["title"]:
        raise InvalidSchedule("Give the meeting a title.")
    if "kind" in values and values["kind"] not in MeetingKind.values:
        raise InvalidSchedule("Choose a regular, extraordinary or annual meeting.")
    starts_at: dt.datetime = values.get("starts_at", locked.starts_at)
    if starts_at is None:
        raise InvalidSchedule("Give the day the meeting is held.")
    if starts_at != locked.starts_at and not locked.is_scheduled:
        raise InvalidSchedule(
            f"The meeting started at {when(locked.started_at)}; its start no longer moves."
        )
    planned_end_at = values.get("planned_end_at", locked.planned_end_at)
    if planned_end_at is not None and planned_end_at <= starts_at:
        raise InvalidSchedule("The meeting must end after it starts.")
    if (
        Meeting.objects.filter(board_id=locked.board_id, starts_at=starts_at)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise InvalidSchedule(
            f"{locked.board} already has a meeting starting {when(starts_at)}; choose another time."
        )
    before = audit.snapshot(locked, fields=list(values))
    for name, value in values.items():
        setattr(locked, name, value)
    after = audit.snapshot(locked, fields=list(values))
    changes = audit.changes_between(before, after)
    if not changes:
        return locked
    try:
        with transaction.atomic():
            locked.save(update_fields=[name.removesuffix("_id") for name in changes])
    except IntegrityError as error:
        raise InvalidSchedule("Those details contradict each other; check the times.") from error
    _recorded(
        locked,
        actor=actor,
        action="meeting.update",
        target=locked,
        summary=f"Changed the details of the meeting “{locked.title}”",
        changes=changes,
    )
    return locked


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor) -> None:
    """Take a meeting that never started out of the calendar, with its draft agenda and the
    apologies sent for it. A meeting that started is record and stays."""
    locked = _locked(meeting)
    if not locked.is_scheduled:
        raise InvalidAgendaChange(
            "The meeting has started; it is part of the record and cannot be deleted."
        )
    before = audit.snapshot(locked)
    board, title, date = locked.board, locked.title, locked.date
    audit.record(
        board=board,
        actor=actor,
        action="meeting.delete",
        target=locked,
        summary=f"Deleted the scheduled meeting “{title}” of {day(date)}",
        changes=audit.changes_between(before, {}),
    )
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as error:
        raise InvalidAgendaChange(
            "Other records (motions, actions) refer to this meeting; it cannot be deleted."
        ) from error


@transaction.atomic
def note_delete(*, note: Note, actor) -> None:
    """Take a statement out of a meeting's record while the meeting runs (a note typed in the
    wrong place). Once adjourned, a statement changes only by a correction."""
    note = Note.objects.select_related("item__meeting").get(pk=note.pk)
    locked = _locked(note.item.meeting)
    before = audit.snapshot(note)
    item_title = note.item.title
    pk = note.pk
    note.delete()
    note.pk = pk  # so the audit entry names the row it deleted
    _recorded(
        locked,
        actor=actor,
        action="note.delete",
        target=note,
        summary=f"Deleted a statement under “{item_title}” of “{locked.title}”",
        changes=audit.changes_between(before, {}),
    )
