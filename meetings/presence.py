"""The rules a stretch of presence keeps, for the roll call and for a correction alike.

A stretch runs from an arrival (empty: the opening) to a departure (empty: still here, or to
the end). Someone's stretches lie within the meeting, in order, and never overlap: leaving at
10:20 and coming back at 10:20 is allowed (two stretches that touch), coming back at 10:15 is not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from governance import audit
from governance.formatting import when
from meetings.errors import PresenceRefused
from meetings.models import Attendance, Meeting, Presence

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


def presence_snapshot(attendance: Attendance) -> dict[str, Any]:
    """The attendance as the audit log and a correction keep it: status and stretches."""
    return {
        "status": attendance.status,
        "stretches": [
            [audit.plain(arrived), audit.plain(departed)]
            for arrived, departed in _in_order(stretches_stored(attendance))
        ],
    }


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
