"""The one guard of a meeting's record, and how a change to it is told.

Every service that changes a meeting's record locks the meeting here (`_locked`): an adjourned
meeting is refused (`RecordClosed`) unless the caller is a correction. `_recorded` audits the
change and bumps the live version, so members' live views notice it on their next poll.
"""

from __future__ import annotations

import copy
import datetime as dt

from django.db.models import F
from django.utils import timezone

from governance import audit
from meetings.access import AS_STORED
from meetings.errors import RecordClosed
from meetings.models import Meeting

# On a meeting locked by bumping its version: the bump that `_recorded` would make is made.
_BUMPED = "_version_bumped"


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _locked(meeting: Meeting, *, closed_ok: bool = False) -> Meeting:
    """The meeting row (not its board's: other apps write there), locked until the transaction
    ends (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers).

    The one guard of a closed record: once adjourned, a meeting's record changes only through a
    correction (`meetings.corrections`, which passes `closed_ok`), so every other change is
    refused here, under the lock, whatever page or admin screen asked for it.

    A meeting its caller read as stored (`meetings.access.get_meeting_to_record`) is locked by
    the UPDATE that bumps its version, on condition that the version and status are still those
    read: every change to the record bumps the version, so the row then is what was read, and
    reading it again would learn nothing. Otherwise (someone wrote since) it is read again."""
    # Other apps and corrections (`closed_ok`) lock as before: they tell live pages themselves.
    claim = meeting.__dict__.get(AS_STORED) and not closed_ok
    locked = _claimed(meeting) if claim else None
    if locked is None:
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("board")
            .get(pk=meeting.pk)
        )
    if locked.is_adjourned and not closed_ok:
        raise RecordClosed()
    return locked


def _claimed(meeting: Meeting, **changes) -> Meeting | None:
    """A copy of `meeting`, its version bumped (and `changes` made) under the row's lock, if the
    row is still as read; None if anyone changed it since. The caller's object is left as it
    was, so a refusal (which rolls the bump back) leaves nothing behind."""
    claimed = Meeting.objects.filter(
        pk=meeting.pk, live_version=meeting.live_version, status=meeting.status
    ).update(live_version=F("live_version") + 1, **changes)
    if not claimed:
        return None
    locked = copy.copy(meeting)
    del locked.__dict__[AS_STORED]  # what the service changes in memory is not stored yet
    locked.live_version += 1
    locked.__dict__[_BUMPED] = True
    return locked


def still_as_read(locked: Meeting) -> bool:
    """Whether `locked` was locked by its version bump (`_claimed`): the meeting, and what its
    caller read after it, are as stored."""
    return bool(locked.__dict__.get(_BUMPED))


def _changed(meeting: Meeting) -> None:
    """Tell live readers the record moved on: one UPDATE, safe against concurrent writers."""
    if meeting.__dict__.pop(_BUMPED, False):
        return  # bumped when it was locked, in this transaction
    Meeting.objects.filter(pk=meeting.pk).update(live_version=F("live_version") + 1)
    meeting.live_version = (meeting.live_version or 0) + 1


def meeting_changed(*, meeting: Meeting) -> None:
    """Tell live pages that something they show under `meeting` changed.

    For apps that add to a meeting through `meetings.registry` (actions, motions): call it in
    the transaction that made the change, after auditing it in your own words.
    """
    _changed(meeting)


def meeting_lock_for_change(meeting: Meeting) -> Meeting:
    """The meeting, read again and locked until the transaction ends: decide on its status
    (in progress, adjourned) under this lock, so an adjournment cannot slip in between.

    An adjourned meeting is returned, not refused: callers (actions, motions) refuse it in
    their own words, with their own error class, which their views know how to show."""
    return _locked(meeting, closed_ok=True)


def _recorded(
    meeting: Meeting, *, actor, action: str, target, summary: str, data=None, changes=None
) -> None:
    """Every change to a meeting's record ends here: live readers are told, the log is written."""
    _changed(meeting)
    audit.record(
        board=meeting.board,
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        data=data,
        changes=changes,
    )
