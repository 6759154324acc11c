"""Action pages: my actions, one action with its history, the secretary's reconcile page, and the
console's endpoints (add an action, review the summary). htmx gets the piece it swaps; a plain
post gets a redirect, or the page again with the error, so every form works without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import services
from actions.access import (
    get_action_for,
    may_reconcile,
    may_update,
    require_may_reconcile,
    require_may_update,
)
from actions.errors import ActionRefused, NotAllowed
from actions.forms import ActionForm, BulkForm, ReassignForm, ReviewForm, UpdateForm
from actions.models import UNFINISHED, ActionItem, ActionStatus
from actions.queries import (
    GROUP_HEADINGS,
    history_of,
    item_actions_page,
    my_actions_summary,
    with_origin,
)
from actions.queries import summary_group as summary_group_page
from governance.access import get_board_for
from governance.models import Board, Standing
from meetings.access import can_record, get_meeting_for, require_recorder
from meetings.models import Meeting
from meetings.views import console_piece

MY_ACTIONS = "actions/my_actions.html"
DETAIL = "actions/action_detail.html"
RECONCILE = "actions/reconcile.html"
RECONCILE_PAGE_SIZE = 50


def _people(board: Board):
    return services.seated_people(board, timezone.localdate())


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "Check the form and try again."


# -- My actions ----------------------------------------------------------------------------------


@require_GET
def my_actions(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    mine = my_actions_summary(board, request.user, page=request.GET.get("page"))
    return render(
        request,
        MY_ACTIONS,
        {
            "board": board,
            "standing": standing,
            "mine": mine,
            "today": timezone.localdate(),
            "may_reconcile": may_reconcile(standing),
            "statuses": ActionStatus.choices,
        },
    )


# -- One action ----------------------------------------------------------------------------------


@require_GET
def action_detail(request: HttpRequest, board_slug: str, action_id: int) -> HttpResponse:
    board, standing, action = get_action_for(request.user, board_slug, action_id)
    return _detail(request, board, standing, action)


def _detail(request, board, standing, action, *, form=None, error="", status=200) -> HttpResponse:
    officer = standing.is_officer
    if form is None:
        initial = {"due_on": action.due_on}
        if officer:
            initial |= {"owners": [p.pk for p in action.owner_list], "for_all": action.for_all}
            form = ReassignForm(initial=initial, people=_people(board))
        else:
            form = UpdateForm(initial=initial)
    return render(
        request,
        DETAIL,
        {
            "board": board,
            "standing": standing,
            "action": action,
            "history": history_of(action),
            "may_update": may_update(request.user, standing, action),
            "may_reassign": officer,
            "form": form,
            "error": error,
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_POST
def action_update(request: HttpRequest, board_slug: str, action_id: int) -> HttpResponse:
    """Progress, a status change, a new due date or (officers) new owners.

    `view=row` or `view=card` (htmx, from My actions or the dashboard) answers with that row.
    """
    board, standing, action = get_action_for(request.user, board_slug, action_id)
    require_may_update(request.user, standing, action)
    officer = standing.is_officer
    reassigning = officer and "owners_shown" in request.POST
    form = (
        ReassignForm(request.POST, people=_people(board))
        if reassigning
        else UpdateForm(request.POST)
    )
    view = request.POST.get("view", "")
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        changes = {}
        if "due_on" in request.POST:
            changes["due_on"] = data["due_on"]
        if reassigning:
            changes["owners"] = list(data["owners"])
            changes["for_all"] = data["for_all"]
        try:
            update = services.action_update(
                action=action,
                actor=request.user,
                note=data["note"],
                status=data["status"],
                **changes,
            )
        except NotAllowed as refused:
            raise PermissionDenied(refused.message) from refused
        except ActionRefused as refused:
            error = refused.message
        else:
            saved = "; ".join(update.changes) or "Progress noted"
            if view in ("row", "card") and request.htmx:
                response = _row(request, board, standing, action, view, saved=saved)
                return response
            messages.success(request, f"Saved: {saved}.")
            return redirect(_next_url(request, action))
    else:
        error = _first_error(form)
    if view in ("row", "card") and request.htmx:
        return _row(request, board, standing, action, view, error=error, status=422)
    return _detail(request, board, standing, action, form=form, error=error, status=422)


def _row(request, board, standing, action, view, *, saved="", error="", status=200):
    action = get_action_for(request.user, board.slug, action.pk)[2]
    template = MY_ACTIONS + "#row" if view == "row" else "actions/cards/your_actions.html#card_row"
    return render(
        request,
        template,
        {
            "board": board,
            "standing": standing,
            "action": action,
            "today": timezone.localdate(),
            "row_saved": saved,
            "row_error": error,
            "statuses": ActionStatus.choices,
        },
        status=status,
    )


def _next_url(request: HttpRequest, action: ActionItem) -> str:
    mine = reverse("actions:my_actions", args=[action.board.slug])
    return mine if request.POST.get("next") == mine else action.get_absolute_url()


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, board_slug: str) -> HttpResponse:
    """The chair or the secretary raise an action between meetings."""
    board, standing = get_board_for(request.user, board_slug)
    require_may_reconcile(standing)
    form = ActionForm(request.POST or None, people=_people(board))
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_record(
                board=board,
                description=data["description"],
                owners=list(data["owners"]),
                for_all=data["for_all"],
                due_on=data["due_on"],
                actor=request.user,
            )
        except ActionRefused as refused:
            error = refused.message
        else:
            messages.success(request, f"Recorded the action for {action.owner_names}.")
            return redirect(action.get_absolute_url())
    return render(
        request,
        "actions/action_new.html",
        {"board": board, "standing": standing, "form": form, "error": error},
        status=422 if request.method == "POST" else 200,
    )


# -- Reconcile -----------------------------------------------------------------------------------

SORTS = {
    "due": ("due_on", "created_at", "pk"),
    "-due": ("-due_on", "-created_at", "-pk"),
    "raised": ("created_at", "pk"),
    "-raised": ("-created_at", "-pk"),
    "status": ("status", "due_on", "pk"),
    "meeting": ("meeting__starts_at", "created_at", "pk"),
    "-meeting": ("-meeting__starts_at", "-created_at", "-pk"),
}
STATUS_FILTERS = {"unfinished": "Not finished", "any": "Any status", **dict(ActionStatus.choices)}


def _reconcile_filters(params: QueryDict) -> dict[str, str]:
    return {
        "owner": params.get("owner", ""),
        "meeting": params.get("meeting", ""),
        "status": params.get("status", "unfinished") or "unfinished",
        "overdue": "1" if params.get("overdue") == "1" else "",
        "sort": params.get("sort", "due") if params.get("sort") in SORTS else "due",
    }


def _filtered(board: Board, filters: dict[str, str]):
    actions = ActionItem.objects.of_board(board)
    status = filters["status"]
    if status == "unfinished":
        actions = actions.filter(status__in=UNFINISHED)
    elif status in ActionStatus.values:
        actions = actions.filter(status=status)
    owner = filters["owner"]
    if owner == "all":
        actions = actions.filter(for_all=True)
    elif owner.isascii() and owner.isdigit():
        actions = actions.filter(
            Q(pk__in=ActionItem.objects.filter(owners=int(owner)).values("pk"))
        )
    meeting = filters["meeting"]
    if meeting == "none":
        actions = actions.filter(meeting__isnull=True)
    elif meeting.isascii() and meeting.isdigit():
        actions = actions.filter(meeting_id=int(meeting))
    if filters["overdue"]:
        actions = actions.overdue(timezone.localdate())
    ordering = list(SORTS[filters["sort"]])
    return with_origin(actions).order_by(*ordering)


@require_GET
def reconcile(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    require_may_reconcile(standing)
    return _reconcile_page(request, board, standing)


def _reconcile_page(request, board, standing, *, bulk_form=None, error="", status=200):
    filters = _reconcile_filters(request.GET)
    paginator = Paginator(_filtered(board, filters), RECONCILE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    people = list(_people(board))
    query = {key: value for key, value in filters.items() if value}
    return render(
        request,
        RECONCILE,
        {
            "board": board,
            "standing": standing,
            "filters": filters,
            "page": page,
            "people": people,
            "meetings": list(Meeting.objects.of_board(board).order_by("-starts_at")[:60]),
            "statuses": STATUS_FILTERS,
            "status_choices": ActionStatus.choices,
            "query": urlencode(query),
            "sort_links": _sort_links(filters),
            "bulk_form": bulk_form,
            "error": error,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _sort_links(filters: dict[str, str]) -> dict[str, str]:
    """For each column, the query that sorts by it (again: the other way round)."""
    links = {}
    for column in ("due", "raised", "meeting", "status"):
        wanted = f"-{column}" if filters["sort"] == column and column != "status" else column
        links[column] = urlencode({**{k: v for k, v in filters.items() if v}, "sort": wanted})
    return links


@require_POST
def reconcile_bulk(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    require_may_reconcile(standing)
    form = BulkForm(request.POST, actions=ActionItem.objects.of_board(board), people=_people(board))
    back = reverse("actions:reconcile", args=[board.slug])
    query = request.POST.get("query", "")
    if form.is_valid():
        data = form.cleaned_data
        owners = [data["owner"]] if data["owner"] else None
        try:
            updates = services.actions_bulk_update(
                actions=list(data["actions"]),
                actor=request.user,
                note=data["note"],
                status=data["status"],
                owners=owners,
                for_all=True if data["to_all"] else (False if owners else None),
            )
        except ActionRefused as refused:
            error = refused.message
        else:
            messages.success(
                request, f"Changed {len(updates)} action{'s' if len(updates) != 1 else ''}."
            )
            return redirect(f"{back}?{_safe_query(query)}" if query else back)
    else:
        error = (
            _first_error(form) if form.errors.get("__all__") is None else form.errors["__all__"][0]
        )
    request.GET = QueryDict(_safe_query(query))
    return _reconcile_page(request, board, standing, bulk_form=form, error=error, status=422)


def _safe_query(query: str) -> str:
    """The reconcile filters to return to, rebuilt from what they may be."""
    filters = _reconcile_filters(QueryDict(query[:500]))
    return urlencode({key: value for key, value in filters.items() if value})


# -- The console ---------------------------------------------------------------------------------


def _console_meeting(request, board_slug: str, meeting_id: int) -> tuple[Board, Standing, Meeting]:
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    require_recorder(request.user, standing, meeting)
    return board, standing, meeting


@require_POST
def console_add(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """The console's form for an action, under the item being discussed."""
    board, standing, meeting = _console_meeting(request, board_slug, meeting_id)
    form = ActionForm(request.POST, people=services.seated_people(board, meeting.date))
    item = meeting.current_item
    if not form.is_valid():
        return console_piece(
            request,
            meeting,
            "panels",
            standing=standing,
            error=_first_error(form),
            panel_state={"action_form": form},
        )
    if item is None:
        return console_piece(
            request, meeting, "panels", standing=standing, error="Open an agenda item first."
        )
    data = form.cleaned_data
    try:
        action = services.action_record(
            board=board,
            description=data["description"],
            owners=list(data["owners"]),
            for_all=data["for_all"],
            due_on=data["due_on"],
            item=item,
            actor=request.user,
        )
    except ActionRefused as refused:
        return console_piece(
            request,
            meeting,
            "panels",
            standing=standing,
            error=refused.message,
            panel_state={"action_form": form},
        )
    return console_piece(
        request,
        meeting,
        "panels",
        standing=standing,
        saved=f"Action recorded for {action.owner_names}",
        also=("sections",),
    )


@require_POST
def console_review(
    request: HttpRequest, board_slug: str, meeting_id: int, action_id: int
) -> HttpResponse:
    """The chair's one step on an action of the summary: its status now, and a short note.
    From a long summary's opened group, the panel comes back with that group open at the page
    the chair was on."""
    board, standing, meeting = _console_meeting(request, board_slug, meeting_id)
    action = get_object_or_404(
        ActionItem.objects.prefetch_related("owners"), pk=action_id, board=board
    )
    opened = _group_reviewed(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return console_piece(
            request,
            meeting,
            "panels",
            standing=standing,
            panel_state={
                "review_open": action.pk,
                "review_error": _first_error(form),
                **opened,
            },
        )
    try:
        services.action_update(
            action=action,
            actor=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            reviewed_in=meeting,
        )
    except ActionRefused as refused:
        return console_piece(
            request,
            meeting,
            "panels",
            standing=standing,
            panel_state={"review_open": action.pk, "review_error": refused.message, **opened},
            status=422,
        )
    return console_piece(
        request,
        meeting,
        "panels",
        standing=standing,
        saved=f"Reviewed: {action.description[:40]} ({ActionStatus(action.status).label})",
        panel_state=opened,
    )


def _group_reviewed(request: HttpRequest) -> dict:
    """The long summary's group (and page) a review was posted from, if it was; anything else
    is ignored (the panel opens no group)."""
    group, page = request.POST.get("group", ""), request.POST.get("page", "1")
    if group not in GROUP_HEADINGS or not (page.isascii() and page.isdigit()):
        return {}
    if not 1 <= int(page) <= LAST_PAGE:
        return {}
    return {"review_group": group, "review_page": int(page)}


# -- A meeting's long lists, opened one group at a time ------------------------------------------

# Past this a page number is not one a person followed a link to (and an offset this far would
# overflow the database's integer).
LAST_PAGE = 10_000


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= LAST_PAGE:
        raise Http404("No such page")
    return int(value)


@require_GET
def summary_group(request: HttpRequest, board_slug: str, meeting_id: int, group: str):
    """One group of a long action summary, a page at a time: the meeting page opens it here
    with htmx; without JavaScript, a page of its own."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    if group not in GROUP_HEADINGS:
        raise Http404("No such group")
    page = summary_group_page(meeting, group, _page_number(request))
    template = "actions/summary_group.html" + ("#entries" if request.htmx else "")
    return render(request, template, {"board": board, "meeting": meeting, "page": page})


@require_GET
def console_review_group(request: HttpRequest, board_slug: str, meeting_id: int, group: str):
    """One group of a long summary in the console's review panel, a page at a time, each entry
    with its review form: the panel opens it here with htmx; without JavaScript, a page of its
    own whose forms post as the panel's do."""
    board, standing, meeting = _console_meeting(request, board_slug, meeting_id)
    if group not in GROUP_HEADINGS:
        raise Http404("No such group")
    page = summary_group_page(meeting, group, _page_number(request))
    panel = {"may_review": meeting.is_in_progress, "form": ReviewForm(), "page": page}
    template = "actions/console_review_group.html" + ("#entries" if request.htmx else "")
    context = {"board": board, "meeting": meeting, "panel": panel, "page": page}
    return render(request, template, {**context, "today": timezone.localdate()})


@require_GET
def item_actions(request: HttpRequest, board_slug: str, meeting_id: int, item_id: int):
    """The actions raised under one agenda item, for an item with many (folded on the meeting
    page), a page at a time."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    if not (meeting.agenda_is_published or can_record(request.user, standing, meeting)):
        raise Http404("No such item")  # as the record: an unpublished agenda shows no items
    item = get_object_or_404(meeting.items, pk=item_id)
    number = _page_number(request)
    actions, has_more = item_actions_page(meeting, item.pk, number)
    template = "actions/item_actions.html" + ("#actions" if request.htmx else "")
    context = {"board": board, "meeting": meeting, "item": item, "actions": actions}
    context["today"] = timezone.localdate()
    return render(request, template, {**context, "page": number, "has_more": has_more})
