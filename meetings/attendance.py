"""Who was at a meeting: apologies ahead of it, the roll call during it, guests.

Each service locks the meeting through the one guard (`meetings.locking._locked`), audits the
attendance field by field and tells live pages. Once adjourned, attendance changes only by a
correction (`meetings.corrections`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction

from governance import audit
from governance.formatting import day, when
from governance.models import REPRESENTATIVE_ROLES, Seat, seats_on
from governance.text import NAME_INVISIBLE, name_refusal, normalized_text
from meetings.errors import ApologiesRefused, MeetingNotOpen, NotSeated, PresenceRefused
from meetings.locking import _locked, _recorded, still_as_read
from meetings.models import GUEST, Attendance, AttendanceStatus, Meeting, Presence
from meetings.presence import (
    Stretch,
    keep_stretches,
    moment_in_meeting,
    presence_snapshot,
    roll_as_stored,
    stretches_known,
    stretches_stored,
)
from meetings.queries import principal_seat


@transaction.atomic
def apologies_send(*, meeting: Meeting, person, actor) -> Attendance:
    """`person` will not attend: said ahead of the meeting, by them or by a secretary."""
    locked = _locked(meeting)
    if not locked.is_scheduled:
        raise ApologiesRefused(
            "Apologies are sent before the meeting; once it has started, the chair records "
            "attendance."
        )
    return attendance_mark(
        meeting=locked, person=person, status=AttendanceStatus.APOLOGIES, actor=actor
    )


@transaction.atomic
def apologies_withdraw(*, meeting: Meeting, person, actor) -> None:
    """`person` will attend after all: their apologies are taken back."""
    locked = _locked(meeting)
    if not locked.is_scheduled:
        raise ApologiesRefused("The meeting has started; the chair records who is here.")
    attendance = Attendance.objects.filter(
        meeting=locked, person=person, status=AttendanceStatus.APOLOGIES
    ).first()
    if attendance is None:
        raise ApologiesRefused(f"{person} has sent no apologies for this meeting.")
    attendance.delete()
    _recorded(
        locked,
        actor=actor,
        action="attendance.withdraw_apologies",
        target=locked,
        summary=f"Withdrew the apologies of {person} for “{locked.title}”",
    )


@transaction.atomic
def attendance_mark(
    *,
    meeting: Meeting,
    person,
    status: str,
    actor,
    at: dt.datetime | None = None,
    roll: list[Attendance] | None = None,
    seats: list[Seat] | None = None,
) -> Attendance:
    """Record a seated person as present, sending apologies, or absent.

    The first record snapshots the organisation and role they sit for on the meeting date.
    Marked present during the meeting, they arrive now; before it, they are there from the start.

    `roll` (`roll_as_stored`, with this person, read after the meeting) spares reading them
    again when the meeting is still as read, and is kept in step, stretches and all; otherwise
    it is read again under the lock. `seats` (the person's seats on the board, any day, as the
    console reads them to find the person) spares reading their seats again for a first record.
    """
    if status not in AttendanceStatus.values:
        raise NotSeated("Choose present, apologies or absent.")
    locked = _locked(meeting)
    if roll is not None:
        if not still_as_read(locked):
            roll[:] = roll_as_stored(locked, person_id=person.pk)
        attendance = next((a for a in roll if a.person_id == person.pk), None)
    else:
        attendance = (
            Attendance.objects.select_for_update(of=("self",))
            .filter(meeting=locked, person=person)
            .first()
        )
    if attendance is None:
        if seats is None:
            seat = principal_seat(seats_on(locked.board, locked.date).filter(person=person))
        else:
            seat = principal_seat(
                each
                for each in seats
                if each.board_id == locked.board_id
                and each.person_id == person.pk
                and each.holds_on(locked.date)
            )
        if seat is None:
            raise NotSeated(
                f"{person} holds no seat on {locked.board} on {day(locked.date)}; "
                "record them as a guest instead."
            )
        organisation = seat.organisation if seat.role in REPRESENTATIVE_ROLES else None
        attendance = Attendance(
            meeting=locked,
            person=person,
            person_name=person.full_name,
            organisation=organisation,
            organisation_name=organisation.name if organisation else person.affiliation,
            role=seat.role,
            title=seat.title,
        )
        stretches: list[Stretch] = []
        if roll is not None:
            roll.append(attendance)
    else:
        stretches = (
            stretches_known(attendance) if roll is not None else stretches_stored(attendance)
        )
    before = presence_snapshot(attendance, stretches) if attendance.pk is not None else {}
    was_present = attendance.is_present
    attendance.status = status
    attendance.save()
    if status != AttendanceStatus.PRESENT:
        # A correction: they were never here, so there is nothing to time.
        if stretches:
            attendance.stretches.all().delete()
        keep_stretches(attendance, [])
    elif not was_present or not stretches:
        # Marked present during the meeting, they arrive now; before it, from the opening.
        arrived = (
            moment_in_meeting(locked, at, name=attendance.name, what="arriving")
            if locked.is_in_progress
            else None
        )
        stretch = Presence.objects.create(attendance=attendance, arrived_at=arrived)
        keep_stretches(attendance, [stretch])
    elif not any(departed is None for _arrived, departed in stretches):
        # Marked present again after leaving: they are back.
        _open_stretch(locked, attendance, at, stretches=stretches)
    _recorded(
        locked,
        actor=actor,
        action="attendance.mark",
        target=attendance,
        summary=f"Marked {attendance.name} {attendance.get_status_display().lower()} "
        f"at “{locked.title}”",
        data={"status": status},
        changes=audit.changes_between(
            before, presence_snapshot(attendance, stretches_known(attendance))
        ),
    )
    attendance.meeting = locked
    return attendance


def _locked_attendance(attendance: Attendance, *, what: str) -> tuple[Meeting, Attendance]:
    """The meeting, then the attendance, locked; departures and returns only while it runs."""
    locked = _locked(attendance.meeting)
    if not locked.is_in_progress:
        raise MeetingNotOpen(f"{what} are recorded while the meeting is in progress.")
    row = Attendance.objects.select_for_update().get(pk=attendance.pk, meeting=locked)
    row.meeting = locked
    return locked, row


@transaction.atomic
def attendance_depart(
    *, attendance: Attendance, actor, at: dt.datetime | None = None
) -> Attendance:
    """`attendance` leaves the room at `at` (now by default): their open stretch ends."""
    locked, attendance = _locked_attendance(attendance, what="Departures")
    stretches = stretches_stored(attendance)
    here = [arrived for arrived, departed in stretches if departed is None]
    if attendance.status != AttendanceStatus.PRESENT or not here:
        left = max((d for _a, d in stretches if d is not None), default=None)
        if attendance.status == AttendanceStatus.PRESENT and left is not None:
            raise PresenceRefused(f"{attendance.name} already left at {when(left, 'time')}.")
        raise PresenceRefused(f"{attendance.name} is not recorded as here.")
    now = moment_in_meeting(locked, at, name=attendance.name, what="leaving")
    arrived = here[0]
    if arrived is not None and now < arrived:
        raise PresenceRefused(
            f"{attendance.name} came in at {when(arrived, 'time')}; give a departure from then on."
        )
    # The stretches were read under the attendance's lock: the open one ends now, nothing else
    # changes, so the audit's before and after come from that one read.
    after = [(arrived, now if departed is None else departed) for arrived, departed in stretches]
    Presence.objects.filter(attendance=attendance, departed_at__isnull=True).update(departed_at=now)
    _recorded(
        locked,
        actor=actor,
        action="attendance.depart",
        target=attendance,
        summary=f"Recorded {attendance.name} leaving “{locked.title}” at {when(now, 'time')}",
        changes=audit.changes_between(
            presence_snapshot(attendance, stretches), presence_snapshot(attendance, after)
        ),
    )
    _keep_as_now(attendance, after)
    return attendance


@transaction.atomic
def attendance_return(
    *, attendance: Attendance, actor, at: dt.datetime | None = None
) -> Attendance:
    """`attendance`, who left, is back at `at` (now by default): a new stretch opens."""
    locked, attendance = _locked_attendance(attendance, what="Returns")
    if attendance.status != AttendanceStatus.PRESENT:
        raise PresenceRefused(f"{attendance.name} was not here; mark them present instead.")
    stretches = stretches_stored(attendance)
    now = _open_stretch(locked, attendance, at, stretches=stretches)
    _recorded(
        locked,
        actor=actor,
        action="attendance.return",
        target=attendance,
        summary=f"Recorded {attendance.name} back at “{locked.title}” at {when(now, 'time')}",
        changes=audit.changes_between(
            presence_snapshot(attendance, stretches),
            presence_snapshot(attendance, [*stretches, (now, None)]),
        ),
    )
    _keep_as_now(attendance, [*stretches, (now, None)])
    return attendance


def _keep_as_now(attendance: Attendance, stretches: list[Stretch]) -> None:
    """The returned attendance carries its stretches as they now stand (read under its lock, then
    changed here), so the caller's answer needs no second read."""
    keep_stretches(
        attendance,
        [
            Presence(attendance_id=attendance.pk, arrived_at=arrived, departed_at=departed)
            for arrived, departed in stretches
        ],
    )


def _open_stretch(
    locked: Meeting,
    attendance: Attendance,
    at: dt.datetime | None,
    *,
    stretches: list[Stretch] | None = None,
):
    """A new stretch from `at`, for someone who left; refused while they are here, or for a
    time before they left. Called under the meeting's and the attendance's locks, with their
    `stretches` if the caller has read them."""
    if not locked.is_in_progress:
        raise MeetingNotOpen("Returns are recorded while the meeting is in progress.")
    if stretches is None:
        stretches = stretches_stored(attendance)
    if any(departed is None for _arrived, departed in stretches):
        raise PresenceRefused(f"{attendance.name} is already here.")
    now = moment_in_meeting(locked, at, name=attendance.name, what="back")
    left = max((d for _a, d in stretches if d is not None), default=None)
    if left is not None and now < left:
        raise PresenceRefused(
            f"{attendance.name} left at {when(left, 'time')}; give a return from then on."
        )
    stretch = Presence.objects.create(attendance=attendance, arrived_at=now)
    if "stretches" in getattr(attendance, "_prefetched_objects_cache", {}):
        keep_stretches(attendance, [*attendance.presence, stretch])
    return now


@transaction.atomic
def attendance_add_guest(
    *,
    meeting: Meeting,
    name: str,
    organisation_name: str,
    actor,
    at: dt.datetime | None = None,
    submission: uuid.UUID | None = None,
) -> Attendance:
    """Record a guest present. A form's `submission` key sent again finds the guest it added."""
    name, organisation_name = normalized_text(name), normalized_text(organisation_name)
    if refusal := name_refusal(name) if name else NAME_INVISIBLE:
        raise NotSeated("Give the guest's name." if refusal == NAME_INVISIBLE else refusal)
    if organisation_name and (refusal := name_refusal(organisation_name)):
        raise NotSeated(f"The organisation: {refusal[0].lower()}{refusal[1:]}")
    if len(name) > 150 or len(organisation_name) > 150:
        raise NotSeated("Keep the guest's name and organisation to 150 characters each.")
    locked = _locked(meeting)
    if submission and (first := Attendance.objects.filter(submission=submission).first()):
        if first.meeting_id != locked.pk:
            raise NotSeated("That form belongs to another meeting; reload the page.")
        return first
    attendance = Attendance.objects.create(
        meeting=locked,
        submission=submission,
        guest_name=name,
        organisation_name=organisation_name,
        role=GUEST,
        status=AttendanceStatus.PRESENT,
    )
    Presence.objects.create(
        attendance=attendance,
        arrived_at=(
            moment_in_meeting(locked, at, name=name, what="arriving")
            if locked.is_in_progress
            else None
        ),
    )
    _recorded(
        locked,
        actor=actor,
        action="attendance.guest",
        target=attendance,
        summary=f"Recorded the guest {name} at “{locked.title}”",
    )
    return attendance
