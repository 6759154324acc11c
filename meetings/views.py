"""Meeting pages: the list, the record (live while the meeting runs), and the chair's console.

Console endpoints answer htmx with the piece of the console they changed, and plain form posts
with a redirect (or the whole page with the error), so the console works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import acting_standing, get_board_for
from governance.formatting import when
from governance.models import Board, Seat, Standing, User
from meetings import live_pass, live_record, registry, services
from meetings.access import (
    can_plan,
    can_record,
    get_meeting_for,
    get_meeting_to_record,
    get_meeting_to_record_and_seats_of,
)
from meetings.corrections import corrections_of, may_correct
from meetings.errors import (
    RECORD_CLOSED,
    DomainError,
    MeetingAlreadyAdjourned,
    SpeakerAmbiguous,
    SpeakerUnknown,
    StaleSummary,
    StartNeedsConfirmation,
)
from meetings.forms import AgendaItemForm, AttendanceForm, GuestForm, NoteForm, SummaryForm
from meetings.models import (
    LATE_START_GRACE,
    AgendaItem,
    Attendance,
    Meeting,
    Note,
)
from meetings.presence import keep_stretches, roll_as_stored
from meetings.proxy_views import proxy_panel_for
from meetings.queries import (
    FOLD_NOTES_OVER,
    MeetingRecord,
    expectation_for,
    meeting_record,
    quorum_of,
    roll_call,
    roll_entry_for,
)

CONSOLE = "meetings/live_console.html"
DETAIL = "meetings/meeting_detail.html"

# htmx's convention for "stop polling", kept so either client understands it.
STOP_POLLING = live_pass.STOP_POLLING


# -- Reading ---------------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest, board_slug: str) -> HttpResponse:
    """What is coming, then one year of past meetings (the latest by default), the others as
    links by year: ten years of monthly meetings are 120 rows nobody reads at once."""
    board, standing = get_board_for(request.user, board_slug)
    now = timezone.now()
    meetings = Meeting.objects.of_board(board).select_related("board")
    years = meetings.past(now).year_counts()
    year = _year_shown(request.GET.get("year"), years)
    past = list(meetings.past(now).in_year(year)) if year in dict(years) else []
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "board": board,
            "standing": standing,
            "upcoming": list(meetings.upcoming(now)),
            "past": past,
            "year": year,
            "years": [(shown, count, shown == year) for shown, count in years],
            "past_count": sum(count for _, count in years),
            "may_schedule": can_plan(request.user, standing),
        },
    )


def _year_shown(asked: str | None, years: list[tuple[int, int]]) -> int | None:
    """The year asked for when it is a number (it may have no meetings), else the latest year
    with past meetings; None when there are none."""
    if asked and len(asked) == 4 and asked.isascii() and asked.isdigit() and asked[0] != "0":
        return int(asked)
    return years[0][0] if years else None


@require_GET
def meeting_detail(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    template = DETAIL + ("#record" if request.htmx else "")
    context = _detail_context(request.user, board, standing, meeting)
    if meeting.is_scheduled and not request.htmx:
        attendances = context["record"].attendances
        context["your_attendance"] = _attendance_of(request.user, standing, attendances)
        if context["may_plan"]:
            context["expectation"] = expectation_for(
                meeting, attendances, proxies=context["record"].proxies
            )
    if not request.htmx:
        context["proxy_panel"] = proxy_panel_for(
            request.user, standing, meeting, context["record"].proxies
        )
    response = render(request, template, context)
    response["X-Live-Version"] = str(meeting.live_version)
    return response


def _detail_context(user, board: Board, standing: Standing, meeting: Meeting) -> dict:
    record = meeting_record(meeting, fold_over=FOLD_NOTES_OVER)
    record_corrections = _corrections_beside(record) if meeting.is_adjourned else []
    may_record = can_record(user, standing, meeting)
    viewer = registry.Viewer(user=user, standing=standing, meeting=meeting, may_record=may_record)
    registry.item_sections_for(viewer, record.items)
    return {
        "board": board,
        "standing": standing,
        "meeting": meeting,
        "record": record,
        "meeting_sections": registry.meeting_sections_for(viewer),
        "may_record": may_record,
        "may_correct": meeting.is_adjourned and may_correct(user, meeting, standing),
        "corrections": record_corrections,
        "may_plan": can_plan(user, standing, meeting),
        "live_url": live_url_for(meeting) if follows_live(meeting) else "",
        "today": timezone.localdate(),
        "now": timezone.now(),
    }


def _corrections_beside(record) -> list:
    """The record's corrections (one query), each also hung on what it changed, so the page
    shows it there: `corrected` on attendances, items and notes."""
    names = {attendance.pk: attendance.name for attendance in record.attendances}
    made = corrections_of(record.meeting, names)
    targets: dict[tuple[str, int], object] = {}
    for attendance in record.attendances:
        targets["attendance", attendance.pk] = attendance
    for item in record.items:
        targets["item", item.pk] = item
        for note in item.notes.all():
            targets["note", note.pk] = note
    for correction in made:
        key = correction.attendance_id or correction.note_id or correction.item_id
        target = targets.get((correction.kind, key))
        if target is not None:
            target.corrected = [*getattr(target, "corrected", []), correction]
    return made


def _attendance_of(user, standing: Standing, attendances: list[Attendance]):
    """The viewer's own attendance ahead of the meeting: recorded, or expected by their seat."""
    for attendance in attendances:
        if attendance.person_id == user.pk:
            return attendance
    if not standing.seats:
        return None
    organisation = standing.organisation
    return Attendance(person=user, organisation_name=organisation.name if organisation else "")


@require_GET
def item_notes(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    """An agenda item's notes, for a long record that folds them (the meeting page opens them
    here with htmx; without JavaScript, a page of their own)."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    if not (meeting.agenda_is_published or can_record(request.user, standing, meeting)):
        raise Http404("No such item")  # as the record: an unpublished agenda shows no items
    item = get_object_or_404(meeting.items, pk=item_id)
    notes = list(item.notes.select_related("speaker__person").order_by("recorded_at", "pk"))
    if meeting.is_adjourned:
        # Each note shows its corrections beside it, as in the record.
        names = {a.pk: a.name for a in meeting.attendances.select_related("person")}
        by_note = {note.pk: note for note in notes}
        for correction in corrections_of(meeting, names):
            if correction.kind == "note" and correction.note_id in by_note:
                note = by_note[correction.note_id]
                note.corrected = [*getattr(note, "corrected", []), correction]
    template = "meetings/item_notes.html" + ("#notes" if request.htmx else "")
    context = {"board": board, "meeting": meeting, "item": item, "notes": notes}
    return render(request, template, {**context, "now": timezone.now()})


# A page of a meeting due to start within this long follows it, so that it goes live when the
# chair starts (a page opened earlier than this is reloaded by then, or says it is not live).
FOLLOW_AHEAD = dt.timedelta(hours=6)


def follows_live(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Pages of a meeting in progress, or of one about to start, poll for its changes."""
    if meeting.is_in_progress:
        return True
    if not meeting.is_scheduled:
        return False
    now = now or timezone.now()
    return now - LATE_START_GRACE <= meeting.starts_at <= now + FOLLOW_AHEAD


def live_url_for(meeting: Meeting) -> str:
    return reverse("meetings:meeting_live", args=[meeting.board.slug, meeting.pk])


@never_cache
@require_GET
def meeting_live(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """The live view's poll: `?v=<version the page has>`, signed in like every other page.

    Every poll, the unchanged one included, asks again whether the person still sits on the
    board (or is a superuser): a seat that ended, a logout or a password change (the session is
    gone; the login redirect tells the page it is signed out) ends it, with nothing said about
    the meeting. Unchanged: 204 (286 once adjourned) with no body, after a fixed few queries
    (session, user, meeting, seats). Changed: only the record's blocks that changed since the
    page's version, or the whole record when that version's render is no longer kept
    (meetings/live_record.py); with `probe=1` only the new version, in the X-Live-Version
    header. After the first poll, the live pass answers both in the middleware
    (meetings/live_pass.py).
    """
    # One query for the unchanged poll and the changed one alike (what the record shows of the
    # meeting is joined, as get_meeting_for does).
    meeting = (
        Meeting.objects.filter(pk=meeting_id, board__slug=board_slug)
        .select_related("board", "chair", "minute_taker", "current_item")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    standing = acting_standing(request.user, meeting.board)
    if not standing.is_member:
        # As get_board_for: a board one has no seat on is not there, meeting or not.
        raise Http404("No such meeting")
    if request.GET.get("v") == str(meeting.live_version):
        response = HttpResponse(status=STOP_POLLING if meeting.is_adjourned else 204)
        response["X-Live-Version"] = str(meeting.live_version)
        response["X-Meeting-Status"] = meeting.status
        live_pass.issue(request, response, meeting)
        return response
    if request.GET.get("probe"):
        response = HttpResponse(status=200)
        response["X-Live-Version"] = str(meeting.live_version)
        response["X-Meeting-Status"] = meeting.status
        live_pass.issue(request, response, meeting)
        return response
    user, board = request.user, meeting.board
    with timezone.override(_zone_of(user, board)):
        # What the record shows depends on the version and on the variant (zone, day, may
        # record): the record is rendered once per version and variant, and a poll from an
        # earlier version gets only the blocks that changed, prepared once for everyone in the
        # variant (meetings/live_record.py). The live pass serves it from then on.
        may_record = can_record(user, standing, meeting)
        variant = live_record.variant_of(
            timezone.get_current_timezone(), timezone.localdate(), may_record
        )

        def render() -> str:
            context = _detail_context(user, board, standing, meeting)
            return render_to_string(DETAIL + "#record", context, request)

        since = live_record.version_from(request.GET.get("v"))
        html = live_record.answer_for(meeting.pk, since, meeting.live_version, variant, render)
    if html is live_record.PENDING:
        # Another request is rendering this version: nothing new yet, ask again next time.
        response = HttpResponse(status=204)
        response["X-Live-Version"] = "" if since is None else str(since)
    else:
        response = HttpResponse(html, status=STOP_POLLING if meeting.is_adjourned else 200)
        response["X-Live-Version"] = str(meeting.live_version)
    response["X-Meeting-Status"] = meeting.status
    live_pass.issue(request, response, meeting)
    return response


def _zone_of(user, board: Board) -> zoneinfo.ZoneInfo:
    """The zone the member's pages use: their own, else the board's."""
    return live_record.zone_for(user.timezone, board.timezone)


# -- The live console ------------------------------------------------------------------------


def _console_context(user, board: Board, standing: Standing, meeting: Meeting, **extra) -> dict:
    record = meeting_record(meeting, with_notes=False)
    current = record.current_item
    notes: list[Note] = []
    if current is not None:
        by_id = {attendance.pk: attendance for attendance in record.attendances}
        notes = list(current.notes.order_by("recorded_at", "pk"))
        for note in notes:
            if note.speaker_id:
                note.speaker = by_id.get(note.speaker_id)
    presenters = User.objects.filter(
        pk__in=Seat.objects.current(meeting.date).filter(board=board).values("person")
    ).order_by("full_name")
    viewer = registry.Viewer(user=user, standing=standing, meeting=meeting, may_record=True)
    console = registry.ConsoleState(
        viewer=viewer, current_item=current, state=extra.pop("panel_state", {})
    )
    context = {
        "board": board,
        "standing": standing,
        "meeting": meeting,
        "record": record,
        # Callables: the template calls them only if the piece it renders shows them.
        "roll": lambda: roll_call(meeting, record.attendances),
        "current": current,
        "notes": notes,
        # Callables, as above: what other apps add under the item and in the right column.
        "current_sections": lambda: (
            registry.item_sections_for(viewer, [current]).get(current.pk, [])
            if current is not None
            else []
        ),
        "panels": lambda: registry.console_panels_for(console),
        "note_form": NoteForm(),
        "summary_form": _summary_form_for(current),
        "item_form": AgendaItemForm(presenters=presenters),
        "guest_form": GuestForm(),
        "live_url": live_url_for(meeting),
        "may_correct": meeting.is_adjourned and may_correct(user, meeting, standing),
        "errors": {},
    }
    context.update(extra)
    return context


def _summary_form_for(item: AgendaItem | None) -> SummaryForm | None:
    if item is None:
        return None
    return SummaryForm(initial={"summary": item.summary, "version": item.summary_version})


def _recorder_meeting(request: HttpRequest, board_slug: str, meeting_id: int):
    board, standing, meeting = get_meeting_to_record(request.user, board_slug, meeting_id)
    request.console = (board, standing)
    return board, standing, meeting


def _console_response(
    request: HttpRequest,
    board_slug: str,
    meeting_id: int,
    piece: str,
    *,
    status: int = 200,
    saved: str = "",
    meeting: Meeting | None = None,
    fresh_note_box: bool = False,
    **extra,
) -> HttpResponse:
    """Render `piece` of the console for htmx, else the page (a redirect after a success).

    Access was checked by `_recorder_meeting` on the way in; the meeting is read again, since
    the service may have moved it on (status, current item), unless the caller passes one
    that is known to be current.
    """
    if not request.htmx and status == 200 and request.method == "POST":
        if saved:
            messages.success(request, saved)
        return redirect("meetings:live_console", board_slug, meeting_id)
    board, standing = request.console
    if meeting is None:
        meeting = Meeting.objects.select_related("board", "chair", "minute_taker").get(
            pk=meeting_id
        )
    retarget = PIECE_ROOTS.get(piece, "")
    if meeting.is_adjourned and (status >= 400 or piece != "console"):
        # A closed record: whatever was refused, the answer is the record, read-only, with
        # why nothing was stored (409), in place of the whole console.
        if status >= 400:
            status, saved, extra = 409, "", {"errors": {"head": RECORD_CLOSED}}
        piece, retarget = "console", "#console"
    context = _console_context(request.user, board, standing, meeting, **extra)
    template = CONSOLE + (f"#{piece}" if request.htmx else "")
    response = render(request, template, context, status=status)
    if retarget and request.htmx:
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "outerHTML"
        if fresh_note_box and status == 200:
            # A line that became what it names: the note box is emptied as for a note.
            response.write(
                render_to_string(f"{CONSOLE}#note_form", context | {"oob": True}, request)
            )
    return _told(response, meeting, saved if status == 200 else "")


def _told(response: HttpResponse, meeting: Meeting, saved: str = "") -> HttpResponse:
    """The headers every console answer carries: the version it leaves the record at (so the
    console's own poll does not fetch again what it just got), and what was saved."""
    response["X-Live-Version"] = str(meeting.live_version)
    if saved:
        response["HX-Trigger"] = json.dumps({"meetings:saved": saved})
    return response


# Pieces that answer a form aimed elsewhere (the note box appends to the stream): where they go.
PIECE_ROOTS = {
    "console": "#console",
    "roll": "#roll",
    "note_form": "#note-form",
    "sections": "#item-parts",
    "stream": "#stream",
}


CONSOLE_PIECES = {"console", "roll", "stream", "notes", "sections", "summary", "agenda", "panels"}


def console_piece(
    request: HttpRequest,
    meeting: Meeting,
    piece: str,
    *,
    standing: Standing,
    saved: str = "",
    error: str = "",
    panel_state: dict | None = None,
    also: tuple[str, ...] = (),
    status: int | None = None,
) -> HttpResponse:
    """For apps' console endpoints (see `meetings.registry`): answer htmx with `piece` of the
    console ("panels", "sections", "console"), and the pieces in `also` swapped out of band; a
    plain post with a redirect to the console, or the whole console with `error` shown above
    the panels (status 422)."""
    request.console = (meeting.board, standing)
    extra: dict = {"panel_state": panel_state or {}}
    if error:
        extra["errors"] = {"panels": error}
    response = _console_response(
        request,
        meeting.board.slug,
        meeting.pk,
        piece,
        status=status or (422 if error else 200),
        saved=saved,
        **extra,
    )
    if request.htmx and also and response.status_code == 200:
        board, standing = request.console
        fresh = Meeting.objects.select_related("board", "chair", "minute_taker").get(pk=meeting.pk)
        context = _console_context(request.user, board, standing, fresh)
        for other in also:
            html = render_to_string(f"{CONSOLE}#{other}", context, request)
            # The piece's root element is swapped where it stands in the page.
            response.write(re.sub(r"^(\s*<\w+)", r'\1 hx-swap-oob="true"', html, count=1))
    return response


@require_GET
def live_console(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    piece = request.GET.get("piece", "console")
    if piece not in CONSOLE_PIECES:
        piece = "console"
    return _console_response(request, board_slug, meeting_id, piece)


@require_POST
def console_start(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    try:
        started = services.meeting_start(
            meeting=meeting,
            actor=request.user,
            confirm_other_day=request.POST.get("confirm_other_day") == "1",
        )
    except StartNeedsConfirmation as error:
        return _console_error(
            request, board_slug, meeting_id, "console", "head", error, confirm_start=True
        )
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "console", "head", error)
    quorum = quorum_of(started)
    saved = "Meeting started"
    if not quorum.is_quorate:
        # Boards do start inquorate (to hear reports while people arrive); say so plainly.
        saved = f"Meeting started without quorum ({quorum.label}); it is recorded so"
    return _console_response(
        request, board_slug, meeting_id, "console", saved=saved, start_notice=saved
    )


@require_POST
def console_adjourn(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    try:
        services.meeting_adjourn(meeting=meeting, actor=request.user)
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "console", "head", error)
    return _console_response(request, board_slug, meeting_id, "console", saved="Meeting adjourned")


def _console_error(
    request: HttpRequest,
    board_slug: str,
    meeting_id: int,
    piece: str,
    where: str,
    error: DomainError | str,
    status: int = 422,
    **extra,
) -> HttpResponse:
    message = error.message if isinstance(error, DomainError) else error
    return _console_response(
        request, board_slug, meeting_id, piece, status=status, errors={where: message}, **extra
    )


KEY_LIMIT = 2**31


@require_POST
def console_attendance(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    form = AttendanceForm(request.POST)
    valid = form.is_valid()
    person_id = form.cleaned_data.get("person") if valid else None
    attendance_id = form.cleaned_data.get("attendance") if valid else None
    # The person named (not yet on the roll, perhaps): their seats on the board, any day, come
    # with the recorder's own in the one query that finds the board.
    named = person_id if person_id and person_id < KEY_LIMIT and not attendance_id else None
    board, standing, meeting, seats = get_meeting_to_record_and_seats_of(
        request.user, board_slug, meeting_id, named
    )
    request.console = (board, standing)
    if not valid:
        return _console_error(request, board_slug, meeting_id, "roll", "roll", _first_error(form))
    status = form.cleaned_data["status"]
    at = _typed_moment(meeting, form.cleaned_data["at"])
    # Who is present and the one asked about, read once: the service decides on them when
    # nothing changed since the meeting was read, and the answer's quorum counts them.
    roll = roll_as_stored(
        meeting,
        # An id past any key names nobody (and would overflow the database's integer).
        person_id=person_id if person_id and person_id < KEY_LIMIT else None,
        attendance_id=attendance_id if attendance_id and attendance_id < KEY_LIMIT else None,
    )
    try:
        if attendance_id:
            attendance = next((each for each in roll if each.pk == attendance_id), None)
            if attendance is None:
                raise Http404("No such attendance")
            if status == "left":
                attendance = services.attendance_depart(
                    attendance=attendance, actor=request.user, at=at
                )
            elif status == "back" or (status == "present" and not attendance.person_id):
                attendance = services.attendance_return(
                    attendance=attendance, actor=request.user, at=at
                )
            elif attendance.person_id:
                attendance = services.attendance_mark(
                    meeting=meeting,
                    person=attendance.person,
                    status=status,
                    actor=request.user,
                    at=at,
                    roll=roll,
                )
            else:
                raise DomainError("A guest is recorded present; record them leaving instead.")
        else:
            if status in ("left", "back"):
                raise DomainError("Mark them present first.")
            known = next((each for each in roll if each.person_id == person_id), None)
            if known is not None:
                person = known.person
            else:
                # Only people who have sat on this board: anyone else is not this board's to
                # name. Their seats, read with the recorder's, are what the service's first
                # record takes their seat on the meeting's day from.
                if not seats:
                    raise Http404("No such person")
                person = seats[0].person
            attendance = services.attendance_mark(
                meeting=meeting,
                person=person,
                status=status,
                actor=request.user,
                at=at,
                roll=roll,
                seats=seats if known is None else None,
            )
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "roll", "roll", error)
    if status in ("left", "back"):
        # The service hands the attendance back with its stretches as they now stand.
        stretches = attendance.presence
        moment = stretches[-1].departed_at if status == "left" else stretches[-1].arrived_at
        verb = f"{status} {when(moment, 'time')}"
    else:
        verb = attendance.get_status_display().lower()
    saved = f"{attendance.name}: {verb}"
    if not request.htmx:
        return _console_response(request, board_slug, meeting_id, "roll", saved=saved)
    if status in ("left", "back"):
        # The roll as read before, its one changed line given the stretches the service left
        # (read and changed under the attendance's lock).
        line = next(each for each in roll if each.pk == attendance.pk)
        keep_stretches(line, stretches)
        line.meeting, attendance = attendance.meeting, line
    return _roll_line(request, board, attendance, roll, saved)


def _roll_line(
    request: HttpRequest, board: Board, attendance: Attendance, roll: list, saved: str
) -> HttpResponse:
    """The roll call's line that changed, and its head (quorum, how many present) out of band:
    the rest of the roll is as it was."""
    meeting = attendance.meeting
    record = MeetingRecord(meeting=meeting, items=[], attendances=roll)
    if not meeting.board.proxies_count_for_quorum:
        record.__dict__["proxies"] = []  # neither the quorum nor its timeline looks at them
    context = {"board": board, "meeting": meeting, "record": record}
    html = render_to_string(
        f"{CONSOLE}#roll_entry", context | {"entry": roll_entry_for(attendance)}, request
    ) + render_to_string(f"{CONSOLE}#roll_head", context | {"oob": True}, request)
    return _told(HttpResponse(html), meeting, saved)


def _typed_moment(meeting: Meeting, value: dt.time | None) -> dt.datetime | None:
    """A time of day typed in the roll call, in the viewer's zone: today, or yesterday for a
    meeting that ran past midnight and a time before it. None (nothing typed) is now."""
    if value is None:
        return None
    now = timezone.localtime()
    moment = dt.datetime.combine(now.date(), value, now.tzinfo)
    earlier = moment - dt.timedelta(days=1)
    if moment > now and meeting.started_at and earlier >= meeting.started_at:
        return earlier
    return moment


@require_POST
def console_guest(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    form = GuestForm(request.POST)
    if not form.is_valid():
        return _console_error(
            request, board_slug, meeting_id, "roll", "guest", _first_error(form), guest_form=form
        )
    try:
        attendance = services.attendance_add_guest(
            meeting=meeting,
            name=form.cleaned_data["name"],
            organisation_name=form.cleaned_data["organisation"],
            actor=request.user,
            submission=form.cleaned_data["submission"],
        )
    except DomainError as error:
        return _console_error(
            request, board_slug, meeting_id, "roll", "guest", error, guest_form=form
        )
    return _console_response(
        request, board_slug, meeting_id, "roll", saved=f"Guest {attendance.name} recorded"
    )


def _item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    """The meeting's item `item_id`: the current one was read with the meeting."""
    item = meeting.current_item
    if item is None or item.pk != item_id:
        item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    item.meeting = meeting
    return item


@require_POST
def console_open_item(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    agenda = _agenda_of(meeting)
    item = next((each for each in agenda if each.pk == item_id), None)
    if item is None:
        raise Http404("No such item")
    item.meeting = meeting
    try:
        item = services.agenda_item_open(item=item, actor=request.user, agenda=agenda)
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "console", "agenda", error)
    return _item_opened(request, board, item, agenda)


@require_POST
def console_next_item(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    after = request.POST.get("after", "")
    agenda = _agenda_of(meeting)
    try:
        item = services.agenda_next_item(
            meeting=meeting,
            actor=request.user,
            after=int(after) if after.isascii() and after.isdigit() else None,
            agenda=agenda,
        )
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "console", "agenda", error)
    return _item_opened(request, board, item, agenda)


def _agenda_of(meeting: Meeting) -> list[AgendaItem]:
    """The items, read after the meeting: the services move on from them, and show them."""
    return list(meeting.items.in_order().select_related("presenter"))


def _item_opened(
    request: HttpRequest, board: Board, item: AgendaItem, agenda: list[AgendaItem]
) -> HttpResponse:
    """The current column for the item now open, the agenda's marks and the "Next item" form
    out of band; the item's notes and parts, and the panels that follow the item, load
    themselves after (they grow with the item; this answer does not)."""
    meeting, saved = item.meeting, f"Now: {item.title}"
    if not request.htmx:
        return _console_response(request, board.slug, meeting.pk, "console", saved=saved)
    context = {
        "board": board,
        "meeting": meeting,
        "record": SimpleNamespace(items=agenda),
        "current": item,
        "notes": [],
        "lazy": True,
        "note_form": NoteForm(),
        "summary_form": _summary_form_for(item),
        "errors": {},
    }
    html = render_to_string(f"{CONSOLE}#current_col", context, request)
    for piece in ("agenda_list", "next_form", "panels"):
        html += render_to_string(f"{CONSOLE}#{piece}", context | {"oob": True}, request)
    return _told(HttpResponse(html), meeting, saved)


@require_POST
def console_note(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    item = _item_of(meeting, item_id)
    # A refusal comes back as the note box with why; a console with no box (a meeting not
    # started: a stale page, or a post from elsewhere) has the stream say it.
    box = "note_form" if meeting.is_in_progress else "stream"
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _console_error(
            request, board_slug, meeting_id, box, "note", _first_error(form), note_form=form
        )
    text, choice = form.cleaned_data["text"], form.cleaned_data["speaker"]
    board_only = form.cleaned_data["board_only"]

    def refuse(error: DomainError | str, **extra) -> HttpResponse:
        """Say why next to the box, with the text still in it."""
        return _console_error(
            request,
            board_slug,
            meeting_id,
            box,
            "note",
            error,
            note_form=NoteForm(initial={"text": text, "board_only": board_only}),
            **extra,
        )

    if not choice:
        # Lines typed as the minutes write them ("Action Lars: ...") become what they name.
        resolutions = tuple(value[:200] for value in request.POST.getlist("resolve")[:20])
        line = registry.Line(item=item, text=text, author=request.user, resolutions=resolutions)
        try:
            claimed = registry.claim_line(line)
        except registry.LineChoiceNeeded as error:
            return refuse(
                error,
                line_choices=error.choices,
                resolutions=resolutions,
                offer_no_speaker=error.offer_note,
            )
        except DomainError as error:
            return refuse(error, offer_no_speaker=True, line_refused=True)
        if claimed is not None:
            # What it became shows under the item (other apps' parts), not in the stream.
            return _console_response(
                request,
                board_slug,
                meeting_id,
                "sections",
                saved=claimed.saved,
                fresh_note_box=True,
            )

    speaker = None
    if choice and choice != "none":
        # An attendance id; anything else ("²" passes isdigit but not int) finds nobody.
        speaker_id = int(choice) if choice.isascii() and choice.isdigit() else None
        speaker = meeting.attendances.filter(pk=speaker_id).first() if speaker_id else None
        if speaker is None:
            return refuse("That speaker is not at this meeting; choose again.")
    try:
        note = services.note_record(
            item=item,
            text=text,
            author=request.user,
            speaker=speaker,
            attribute=choice != "none",
            board_only=board_only,
        )
    except SpeakerAmbiguous as error:
        return refuse(error, speaker_choices=error.candidates)
    except SpeakerUnknown as error:
        return refuse(error, offer_no_speaker=True)
    except DomainError as error:
        return refuse(error)
    who = f" ({note.speaker.name})" if note.speaker_id else ""
    who += ", board only" if note.board_only else ""
    saved = f"Note saved{who}"
    if not request.htmx:
        return _console_response(request, board_slug, meeting_id, "stream", saved=saved)
    # The note alone, appended to the stream, and the box afresh: nothing else changed but the
    # meeting's version, which the service updated on this very object.
    context = {"board": board, "meeting": meeting, "current": item, "note": note}
    html = render_to_string(f"{CONSOLE}#note", context, request) + render_to_string(
        f"{CONSOLE}#note_form",
        context | {"note_form": NoteForm(), "errors": {}, "oob": True},
        request,
    )
    return _told(HttpResponse(html), meeting, saved)


@require_POST
def console_summary(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    item = _item_of(meeting, item_id)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _console_error(
            request,
            board_slug,
            meeting_id,
            "summary",
            "summary",
            _first_error(form),
            summary_form=form,
        )
    try:
        services.item_summary_update(
            item=item,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except StaleSummary as error:
        # Keep their text; move the form onto the saved version so a deliberate save wins.
        kept = SummaryForm(
            initial={"summary": form.cleaned_data["summary"], "version": error.current_version}
        )
        return _console_error(
            request,
            board_slug,
            meeting_id,
            "summary",
            "summary",
            error,
            status=409,
            summary_form=kept,
            their_summary=error.current_text,
        )
    except DomainError as error:
        return _console_error(
            request, board_slug, meeting_id, "summary", "summary", error, summary_form=form
        )
    return _console_response(request, board_slug, meeting_id, "summary", saved="Summary saved")


@require_POST
def console_add_item(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    form = AgendaItemForm(request.POST, presenters=_presenters(board, meeting))
    if not form.is_valid():
        return _console_error(
            request, board_slug, meeting_id, "agenda", "add", _first_error(form), item_form=form
        )
    try:
        item = services.agenda_item_add(
            meeting=meeting,
            details=form.details(),
            actor=request.user,
            submission=form.cleaned_data["submission"],
        )
    except DomainError as error:
        return _console_error(
            request, board_slug, meeting_id, "agenda", "add", error, item_form=form
        )
    return _console_response(
        request, board_slug, meeting_id, "agenda", saved=f"Added “{item.title}”"
    )


@require_POST
def console_move_item(
    request: HttpRequest, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    item = _item_of(meeting, item_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return _console_error(
            request, board_slug, meeting_id, "agenda", "agenda", "Move an item up or down."
        )
    try:
        services.agenda_item_move(item=item, offset=offset, actor=request.user)
    except DomainError as error:
        return _console_error(request, board_slug, meeting_id, "agenda", "agenda", error)
    return _console_response(request, board_slug, meeting_id, "agenda", saved="Agenda reordered")


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, board_slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    board, standing, meeting = _recorder_meeting(request, board_slug, meeting_id)
    item = _item_of(meeting, item_id)
    initial = {
        "title": item.title,
        "kind": item.kind,
        "planned_minutes": item.planned_minutes,
        "presenter": item.presenter_id,
        "description": item.description,
        "board_only": item.board_only,
        "embargo_until": item.embargo_until,
    }
    form = AgendaItemForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        presenters=_presenters(board, meeting),
    )
    error = ""
    closed = meeting.is_adjourned
    if closed:
        error = RECORD_CLOSED
    elif request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, details=form.details(), actor=request.user)
        except DomainError as exc:
            error, closed = exc.message, isinstance(exc, MeetingAlreadyAdjourned)
        else:
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect(_safe_next(request, meeting))
    status = (409 if closed else 422) if request.method == "POST" else 200
    return render(
        request,
        "meetings/item_edit.html",
        {
            "board": board,
            "meeting": meeting,
            "item": item,
            "form": form,
            "error": error,
            "closed": closed,
            "may_correct": closed and may_correct(request.user, meeting, standing),
            "next": _safe_next(request, meeting),
        },
        status=status,
    )


def _safe_next(request: HttpRequest, meeting: Meeting) -> str:
    allowed = {
        reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk])
        for name in ("live_console", "agenda_plan")
    }
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if wanted in allowed else meeting.get_absolute_url()


def _presenters(board: Board, meeting: Meeting):
    return User.objects.filter(
        pk__in=Seat.objects.current(meeting.date).filter(board=board).values("person")
    ).order_by("full_name")


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "Check the form and try again."
