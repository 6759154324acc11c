"""Pages for what happens before a meeting: scheduling it, building and publishing its agenda,
and apologies sent ahead. Plain forms that redirect after saving, so they work without
JavaScript; every change goes through `meetings.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from governance.access import get_board_for
from governance.models import Board, Seat, User
from meetings import services
from meetings.access import can_plan, get_meeting_for, require_planner
from meetings.errors import DomainError, MeetingAlreadyAdjourned
from meetings.forms import AgendaItemForm, ApologiesForm, CarryOverForm, MeetingScheduleForm
from meetings.models import AgendaItem, Meeting
from meetings.queries import expectation_for, meeting_record

AGENDA = "meetings/agenda_plan.html"


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    require_planner(request.user, standing)
    form = MeetingScheduleForm(request.POST or None, board=board)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                board=board,
                title=form.title_or_default(),
                kind=form.cleaned_data["kind"],
                starts_at=form.starts_at(),
                time_of_day_known=form.cleaned_data["time"] is not None,
                planned_end_at=form.planned_end_at(),
                location=form.cleaned_data["location"],
                dial_in=form.cleaned_data["dial_in"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"Scheduled “{meeting.title}”. Now build its agenda and publish it."
            )
            return redirect(agenda_url(meeting))
    return render(
        request,
        "meetings/meeting_schedule.html",
        {"board": board, "form": form, "error": error},
        status=422 if request.method == "POST" else 200,
    )


def agenda_url(meeting: Meeting) -> str:
    return reverse("meetings:agenda_plan", args=[meeting.board.slug, meeting.pk])


def _planner_meeting(request: HttpRequest, board_slug: str, meeting_id: int):
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    require_planner(request.user, standing, meeting)
    return board, standing, meeting


def _people_seated(board: Board, meeting: Meeting):
    return User.objects.filter(
        pk__in=Seat.objects.current(meeting.date).filter(board=board).values("person")
    ).order_by("full_name")


@require_http_methods(["GET", "POST"])
def agenda_plan(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """The agenda being built: its items in order, a form to add one, last meeting's unfinished
    items to carry over, who is expected, and the button that publishes it to the board.
    A POST adds an item."""
    board, standing, meeting = _planner_meeting(request, board_slug, meeting_id)
    people = _people_seated(board, meeting)
    form = AgendaItemForm(request.POST or None, presenters=people)
    error, extra = "", {}
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.agenda_item_add(
                    meeting=meeting,
                    details=form.details(),
                    actor=request.user,
                    submission=form.cleaned_data["submission"],
                )
            except DomainError as exc:
                error = exc.message
                if isinstance(exc, MeetingAlreadyAdjourned):
                    extra["status"] = 409
            else:
                messages.success(request, f"Added “{item.title}”.")
                return redirect(agenda_url(meeting) + "#add-item")
        else:
            error = "The item was not added. Check the fields marked below."
    return _agenda_page(
        request, board, standing, meeting, form=form, error=error, people=people, **extra
    )


def _agenda_page(request, board, standing, meeting, *, form=None, error="", people=None, **extra):
    people = people if people is not None else _people_seated(board, meeting)
    record = meeting_record(meeting, with_notes=False)
    offered = services.unfinished_items_before(meeting) if meeting.is_scheduled else []
    context = {
        "board": board,
        "standing": standing,
        "meeting": meeting,
        "record": record,
        "expectation": expectation_for(meeting, record.attendances, proxies=record.proxies),
        "item_form": form or AgendaItemForm(presenters=people),
        "carry_form": extra.pop("carry_form", None) or CarryOverForm(offered=offered),
        "offered": offered,
        "apologies_form": extra.pop("apologies_form", None) or ApologiesForm(people=people),
        "error": error,
        "may_plan": True,
    }
    status = extra.pop("status", None) or (422 if error or request.method == "POST" else 200)
    context.update(extra)
    return render(request, AGENDA, context, status=status)


def _refused(request, board_slug, meeting_id, error: DomainError | str, **extra) -> HttpResponse:
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    message = error.message if isinstance(error, DomainError) else error
    if isinstance(error, MeetingAlreadyAdjourned):
        extra["status"] = 409  # the record is closed, not the input wrong
    return _agenda_page(request, board, standing, meeting, error=message, **extra)


@require_POST
def agenda_move(request: HttpRequest, board_slug: str, meeting_id: int, item_id: int):
    board, standing, meeting = _planner_meeting(request, board_slug, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    try:
        if offset is None:
            raise DomainError("Move an item up or down.")
        services.agenda_item_move(item=item, offset=offset, actor=request.user)
    except DomainError as exc:
        return _refused(request, board_slug, meeting_id, exc)
    messages.success(request, f"Moved “{item.title}” {request.POST['direction']}.")
    return redirect(agenda_url(meeting) + f"#{item.anchor}")


@require_POST
def agenda_remove(request: HttpRequest, board_slug: str, meeting_id: int, item_id: int):
    board, standing, meeting = _planner_meeting(request, board_slug, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    try:
        services.agenda_item_remove(item=item, actor=request.user)
    except DomainError as exc:
        return _refused(request, board_slug, meeting_id, exc)
    messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect(agenda_url(meeting))


@require_POST
def agenda_carry_over(request: HttpRequest, board_slug: str, meeting_id: int):
    board, standing, meeting = _planner_meeting(request, board_slug, meeting_id)
    offered = services.unfinished_items_before(meeting) if meeting.is_scheduled else []
    form = CarryOverForm(request.POST, offered=offered)
    if not form.is_valid():
        return _refused(
            request,
            board_slug,
            meeting_id,
            form.errors["items"][0] if "items" in form.errors else "Tick the items to carry over.",
            carry_form=form,
        )
    try:
        carried = services.agenda_items_carry_over(
            meeting=meeting, items=list(form.cleaned_data["items"]), actor=request.user
        )
    except DomainError as exc:
        return _refused(request, board_slug, meeting_id, exc)
    noun = "item" if len(carried) == 1 else "items"
    messages.success(request, f"Carried over {len(carried)} {noun} from the last meeting.")
    return redirect(agenda_url(meeting))


@require_POST
def agenda_publish(request: HttpRequest, board_slug: str, meeting_id: int):
    board, standing, meeting = _planner_meeting(request, board_slug, meeting_id)
    try:
        services.agenda_publish(meeting=meeting, actor=request.user)
    except DomainError as exc:
        return _refused(request, board_slug, meeting_id, exc)
    messages.success(request, "The agenda is published: the whole board can read it now.")
    return redirect(agenda_url(meeting))


@require_POST
def apologies(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """Send (or, with `withdraw`, take back) apologies: a member for themselves; a chair or
    secretary for anyone seated, choosing them in `person`."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    planner = can_plan(request.user, standing, meeting)
    form = ApologiesForm(request.POST, people=_people_seated(board, meeting))
    if not form.is_valid():
        # Someone not seated on this board on the day: not this board's to name.
        raise Http404("No such person on this board")
    person = form.cleaned_data["person"] or request.user
    if person != request.user and not planner:
        raise PermissionDenied("Only a secretary or the chair may send apologies for someone else.")
    withdraw = bool(request.POST.get("withdraw"))
    try:
        if withdraw:
            services.apologies_withdraw(meeting=meeting, person=person, actor=request.user)
        else:
            services.apologies_send(meeting=meeting, person=person, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, meeting, planner))
    whose = "Your" if person == request.user else f"{person.full_name}’s"
    messages.success(
        request,
        f"{whose} apologies are withdrawn: expected at the meeting."
        if withdraw
        else f"{whose} apologies are sent for “{meeting.title}”.",
    )
    return redirect(_back(request, meeting, planner))


def _back(request: HttpRequest, meeting: Meeting, planner: bool) -> str:
    if planner and request.POST.get("next") == "agenda":
        return agenda_url(meeting) + "#expected"
    return meeting.get_absolute_url() + "#your-attendance"
