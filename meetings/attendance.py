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
from governance.models import REPRESENTATIVE_ROLES, seats_on
from governance.text import NAME_INVISIBLE, name_refusal, normalized_text
from meetings.errors import ApologiesRefused, MeetingNotOpen, NotSeated
from meetings.locking import TIMED, _locked, _now, _recorded
from meetings.models import GUEST, Attendance, AttendanceStatus, Meeting
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
    *, meeting: Meeting, person, status: str, actor, at: dt.datetime | None = None
) -> Attendance:
    """Record a seated person as present, sending apologies, or absent.

    The first record snapshots the organisation and role they sit for on the meeting date.
    Marked present during the meeting, they arrive now; before it, they are there from the start.
    """
    if status not in AttendanceStatus.values:
        raise NotSeated("Choose present, apologies or absent.")
    locked = _locked(meeting)
    attendance = Attendance.objects.filter(meeting=locked, person=person).first()
    if attendance is None:
        seat = principal_seat(seats_on(locked.board, locked.date).filter(person=person))
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
    was_here = attendance.pk is not None and attendance.is_present_at(None)
    before = audit.snapshot(attendance, fields=TIMED) if attendance.pk else {}
    attendance.status = status
    if status == AttendanceStatus.PRESENT:
        if not was_here:
            attendance.arrived_at = _now(at) if locked.is_in_progress else None
            attendance.departed_at = None
    else:
        # A correction: they were never here, so there is nothing to time.
        attendance.arrived_at = attendance.departed_at = None
    attendance.save()
    _recorded(
        locked,
        actor=actor,
        action="attendance.mark",
        target=attendance,
        summary=f"Marked {attendance.name} {attendance.get_status_display().lower()} "
        f"at “{locked.title}”",
        data={"status": status},
        changes=audit.changes_between(before, audit.snapshot(attendance, fields=TIMED)),
    )
    return attendance


@transaction.atomic
def attendance_depart(
    *, attendance: Attendance, actor, at: dt.datetime | None = None
) -> Attendance:
    locked = _locked(attendance.meeting)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if not locked.is_in_progress:
        raise MeetingNotOpen("Departures are recorded while the meeting is in progress.")
    if not attendance.is_present_at(None):
        raise NotSeated(f"{attendance.name} is not recorded as here.")
    now = _now(at)
    if attendance.arrived_at and attendance.arrived_at > now:
        raise NotSeated(f"{attendance.name} cannot leave before arriving.")
    before = audit.snapshot(attendance, fields=TIMED)
    attendance.departed_at = now
    attendance.save(update_fields=["departed_at"])
    _recorded(
        locked,
        actor=actor,
        action="attendance.depart",
        target=attendance,
        summary=f"Recorded {attendance.name} leaving “{locked.title}” at {when(now, 'time')}",
        changes=audit.changes_between(before, audit.snapshot(attendance, fields=TIMED)),
    )
    return attendance


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
        arrived_at=_now(at) if locked.is_in_progress else None,
    )
    _recorded(
        locked,
        actor=actor,
        action="attendance.guest",
        target=attendance,
        summary=f"Recorded the guest {name} at “{locked.title}”",
    )
    return attendance
