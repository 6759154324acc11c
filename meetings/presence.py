"""The rules a stretch of presence keeps, for the roll call and for a correction alike.

A stretch runs from an arrival (empty: the opening) to a departure (empty: still here, or to
the end). Someone's stretches lie within the meeting, in order, and never overlap: leaving at
10:20 and coming back at 10:20 is allowed (two stretches that touch), coming back at 10:15 is not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from governance import audit
from governance.formatting import when
from meetings.errors import PresenceRefused
from meetings.models import Attendance, AttendanceStatus, Meeting, Presence

Stretch = tuple[dt.datetime | None, dt.datetime | None]


def minute(value: dt.datetime) -> dt.datetime:
    return value.replace(second=0, microsecond=0)


def stretches_stored(attendance: Attendance) -> list[Stretch]:
    """What the database holds now (not a prefetch that may be stale): one query."""
    return list(
        Presence.objects.filter(attendance=attendance)
        .order_by("arrived_at", "pk")
        .values_list("arrived_at", "departed_at")
    )


def presence_snapshot(
    attendance: Attendance, stretches: list[Stretch] | None = None
) -> dict[str, Any]:
    """The attendance as the audit log and a correction keep it: status and stretches (read
    from the database unless the caller knows them)."""
    if stretches is None:
        stretches = stretches_stored(attendance)
    return {
        "status": attendance.status,
        "stretches": [
            [audit.plain(arrived), audit.plain(departed)]
            for arrived, departed in _in_order(stretches)
        ],
    }


def stretches_known(attendance: Attendance) -> list[Stretch]:
    """The stretches loaded with `attendance` (`roll_as_stored`), as `stretches_stored` has them."""
    return [(stretch.arrived_at, stretch.departed_at) for stretch in attendance.presence]


def roll_as_stored(
    meeting: Meeting, *, person_id: int | None = None, attendance_id: int | None = None
) -> list[Attendance]:
    """Those marked present at `meeting`, and the attendance asked about (by person or by id)
    whatever its status, each with their stretches: one query, an attendance's row repeated
    for each of its stretches. Enough for the quorum and for that one line of the roll call."""
    wanted = Q(status=AttendanceStatus.PRESENT)
    if person_id:
        wanted |= Q(person_id=person_id)
    if attendance_id:
        wanted |= Q(pk=attendance_id)
    rows = (
        Attendance.objects.filter(wanted, meeting=meeting)
        .select_related("person", "organisation")
        .annotate(
            stretch_id=F("stretches__id"),
            stretch_arrived=F("stretches__arrived_at"),
            stretch_departed=F("stretches__departed_at"),
        )
        .order_by("pk", F("stretches__arrived_at").asc(nulls_first=True), "stretches__id")
    )
    roll: dict[int, Attendance] = {}
    stretches: dict[int, list[Presence]] = {}
    for row in rows:
        attendance = roll.setdefault(row.pk, row)
        if row.stretch_id is not None:
            stretches.setdefault(row.pk, []).append(
                Presence(
                    pk=row.stretch_id,
                    attendance=attendance,
                    arrived_at=row.stretch_arrived,
                    departed_at=row.stretch_departed,
                )
            )
    for attendance in roll.values():
        attendance.meeting = meeting
        keep_stretches(attendance, stretches.get(attendance.pk, []))
    return list(roll.values())


def keep_stretches(attendance: Attendance, stretches: list[Presence]) -> None:
    """Hold `stretches` as the attendance's loaded stretches, as a prefetch would."""
    loaded = Presence.objects.filter(attendance=attendance)
    loaded._result_cache = stretches
    loaded._prefetch_done = True
    attendance._prefetched_objects_cache = {"stretches": loaded}


def _in_order(stretches: list[Stretch]) -> list[Stretch]:
    # "From the opening" sorts first; SQLite and PostgreSQL disagree on where NULL goes.
    return sorted(stretches, key=lambda s: (s[0] is not None, s[0].timestamp() if s[0] else 0))


def moment_in_meeting(meeting: Meeting, at: dt.datetime | None, *, name: str, what: str):
    """`at` (None: now) for a departure or return during `meeting`, checked: not before the
    opening, not in the future. A time typed for the opening minute is the opening."""
    now = timezone.now()
    at = at or now
    opened = meeting.started_at
    if minute(at) < minute(opened):
        raise PresenceRefused(
            f"The meeting opened at {when(opened, 'time')}; {name} cannot be recorded as "
            f"{what} before that."
        )
    if at > now:
        raise PresenceRefused(
            f"{when(at, 'time')} is still to come; record {name} as {what} when it happens."
        )
    return max(at, opened)


def stretches_refusal(
    name: str, stretches: list[Stretch], *, opened: dt.datetime, closed: dt.datetime
) -> str | None:
    """Why `stretches` cannot be someone's record of a meeting that ran from `opened` to
    `closed` (to the minute, as times are typed), or None when they can."""
    if not stretches:
        return f"Give at least one stretch for {name}, or record them as absent."
    span = f"{when(opened, 'time')} to {when(closed, 'time')}"
    ordered = _in_order(stretches)
    for index, (arrived, departed) in enumerate(ordered):
        for moment in (arrived, departed):
            if moment is not None and not minute(opened) <= minute(moment) <= minute(closed):
                return f"The meeting ran from {span}; give times within it."
        if arrived is None and index > 0:
            return "Only the first stretch can start at the opening."
        if departed is None and index < len(ordered) - 1:
            return (
                f"A stretch without a departure runs to the end; {name} cannot come back after it."
            )
        if arrived is not None and departed is not None and departed < arrived:
            return f"{name} cannot leave at {when(departed, 'time')} before arriving at " + (
                f"{when(arrived, 'time')}."
            )
        if index > 0:
            left = ordered[index - 1][1]
            if arrived is not None and left is not None and arrived < left:
                return (
                    f"The stretches overlap: {name} left at {when(left, 'time')} and cannot "
                    f"be back at {when(arrived, 'time')}."
                )
    return None
