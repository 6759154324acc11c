"""Correct the record: choose what to correct, say what changes and why, confirm.

Each correction page is one form in two steps: the first post shows the change before → after
and asks to confirm (nothing is stored yet); the confirming post makes it through the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from governance.models import Board
from meetings import corrections
from meetings.access import get_meeting_for
from meetings.errors import DomainError
from meetings.forms import AttendanceCorrectionForm, ItemCorrectionForm, NoteCorrectionForm
from meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, Note
from meetings.queries import meeting_record

FORM = "meetings/correction_form.html"


def _correcting(request: HttpRequest, board_slug: str, meeting_id: int):
    """The meeting, for someone who may correct it: 404 outside the board, 403 on it."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    if not corrections.may_correct(request.user, meeting, standing):
        raise PermissionDenied("Only the meeting's chair or a secretary corrects the record.")
    return board, standing, meeting


@require_GET
def correction_list(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """What can be corrected (attendance, items, statements), and the corrections made."""
    board, standing, meeting = _correcting(request, board_slug, meeting_id)
    record = meeting_record(meeting)
    names = {attendance.pk: attendance.name for attendance in record.attendances}
    return render(
        request,
        "meetings/corrections.html",
        {
            "board": board,
            "meeting": meeting,
            "record": record,
            "corrections": corrections.corrections_of(meeting, names),
        },
    )


def _local_time(value: dt.datetime | None) -> dt.time | None:
    return timezone.localtime(value).time().replace(second=0, microsecond=0) if value else None


def _moment(meeting: Meeting, value: dt.time | None) -> dt.datetime | None:
    """A time of day typed for the meeting, in the reader's zone, on the day it ran (the next
    day for a time before it started: a meeting that ran past midnight)."""
    if value is None:
        return None
    opened = timezone.localtime(meeting.started_at)
    moment = dt.datetime.combine(opened.date(), value, opened.tzinfo)
    if moment < opened.replace(second=0, microsecond=0):
        moment += dt.timedelta(days=1)
    return moment


def _two_steps(
    request: HttpRequest,
    *,
    board: Board,
    meeting: Meeting,
    form,
    heading: str,
    propose: Callable[[dict], corrections.Proposed],
    make: Callable[[dict], object],
    back: str,
    names: dict[int, str],
) -> HttpResponse:
    """The form; posted, the change to confirm; confirmed, the correction made."""
    error, proposed, status = "", None, 200
    editing = request.method == "GET" or "edit" in request.POST
    if not editing:
        if form.is_valid():
            try:
                proposed = propose(form.cleaned_data)
                if form.cleaned_data["confirm"]:
                    make(form.cleaned_data)
                    messages.success(request, f"Record corrected: {form.cleaned_data['reason']}")
                    return redirect(back)
            except DomainError as refused:
                error, proposed = refused.message, None
        if proposed is None:
            status = 422
    return render(
        request,
        FORM,
        {
            "board": board,
            "meeting": meeting,
            "form": form,
            "heading": heading,
            "error": error,
            "proposed": proposed,
            "lines": proposed.lines(names) if proposed else [],
            "back": back,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def correct_attendance(
    request: HttpRequest, board_slug: str, meeting_id: int, attendance_id: int
) -> HttpResponse:
    board, standing, meeting = _correcting(request, board_slug, meeting_id)
    attendance = get_object_or_404(
        Attendance.objects.select_related("person").with_presence(),
        pk=attendance_id,
        meeting=meeting,
    )
    attendance.meeting = meeting
    stretches = attendance.presence if attendance.is_present else []
    initial = {"status": attendance.status}
    for index, stretch in enumerate(stretches):
        initial[f"arrived_{index}"] = _local_time(stretch.arrived_at)
        initial[f"left_{index}"] = _local_time(stretch.departed_at)
    form = AttendanceCorrectionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        stretch_count=len(stretches),
    )

    def values(data: dict) -> dict:
        kept, added = form.stretch_times()
        typed = [(_moment(meeting, a), _moment(meeting, d)) for a, d in kept]
        if any(added) or form.stretch_count == 0:
            # An empty added row counts only for someone with no stretch: the whole meeting.
            typed.append((_moment(meeting, added[0]), _moment(meeting, added[1])))
        return {"status": data["status"], "stretches": typed}

    return _two_steps(
        request,
        board=board,
        meeting=meeting,
        form=form,
        heading=f"Correct the attendance of {attendance.name}",
        propose=lambda data: corrections.attendance_correction_proposed(
            attendance=attendance, **values(data)
        ),
        make=lambda data: corrections.attendance_correct(
            attendance=attendance, actor=request.user, reason=data["reason"], **values(data)
        ),
        back=f"{meeting.get_absolute_url()}#attendance",
        names={},
    )


@require_http_methods(["GET", "POST"])
def correct_note(
    request: HttpRequest, board_slug: str, meeting_id: int, note_id: int
) -> HttpResponse:
    board, standing, meeting = _correcting(request, board_slug, meeting_id)
    note = get_object_or_404(Note.objects.select_related("item"), pk=note_id, item__meeting=meeting)
    note.item.meeting = meeting
    speakers = list(
        meeting.attendances.filter(status=AttendanceStatus.PRESENT).select_related("person")
    )
    by_id = {attendance.pk: attendance for attendance in speakers}
    form = NoteCorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={"text": note.text, "speaker": note.speaker_id},
        speakers=speakers,
    )
    return _two_steps(
        request,
        board=board,
        meeting=meeting,
        form=form,
        heading=f"Correct a statement under “{note.item.title}”",
        propose=lambda data: corrections.note_correction_proposed(
            note=note, text=data["text"], speaker=by_id.get(data["speaker"])
        ),
        make=lambda data: corrections.note_correct(
            note=note,
            actor=request.user,
            reason=data["reason"],
            text=data["text"],
            speaker=by_id.get(data["speaker"]),
        ),
        back=f"{meeting.get_absolute_url()}#note-{note.pk}",
        names={pk: attendance.name for pk, attendance in by_id.items()},
    )


@require_http_methods(["GET", "POST"])
def correct_item(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    board, standing, meeting = _correcting(request, board_slug, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    item.meeting = meeting
    form = ItemCorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={"title": item.title, "summary": item.summary},
    )
    return _two_steps(
        request,
        board=board,
        meeting=meeting,
        form=form,
        heading=f"Correct the item “{item.title}”",
        propose=lambda data: corrections.item_correction_proposed(
            item=item, title=data["title"], summary=data["summary"]
        ),
        make=lambda data: corrections.item_correct(
            item=item,
            actor=request.user,
            reason=data["reason"],
            title=data["title"],
            summary=data["summary"],
        ),
        back=f"{meeting.get_absolute_url()}#{item.anchor}",
        names={},
    )
