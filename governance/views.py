from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance import services
from governance.access import get_board_for
from governance.dashboard import cards_for
from governance.exceptions import DomainError
from governance.forms import DirectoryDateForm, ProfileForm
from governance.models import OFFICES, Board, Organisation, Role, Seat

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    boards = list(Board.objects.for_user(request.user))
    if not boards and request.user.is_superuser:
        boards = list(Board.objects.all())
    if len(boards) == 1:
        return redirect("dashboard", boards[0].slug)
    return render(request, "governance/home.html", {"boards": boards})


def dashboard(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    return render(
        request,
        "governance/dashboard.html",
        {"board": board, "standing": standing, "cards": cards_for(request, board, standing)},
    )


# A board of 2,000 organisations is read a page at a time (or found by name), never sent whole.
DIRECTORY_PAGE_SIZE = 50


def members_directory(request: HttpRequest, board_slug: str) -> HttpResponse:
    """Organisations with their representatives; the members in their own right (directors,
    co-opted members); the officers and staff; the observers: on a date."""
    board, standing = get_board_for(request.user, board_slug)
    form = DirectoryDateForm(request.GET or None)
    on = timezone.localdate()
    wanted = ""
    if form.is_valid():
        on = form.cleaned_data["on"] or on
        wanted = form.cleaned_data["q"]
    current = (
        Seat.objects.current(on).select_related("person").order_by("role", "person__full_name")
    )
    members = Organisation.objects.filter(board=board).members_on(on)
    if wanted:
        members = members.filter(
            Q(name__icontains=wanted)
            | Q(short_name__icontains=wanted)
            | Q(
                pk__in=current.filter(board=board, person__full_name__icontains=wanted).values(
                    "organisation"
                )
            )
        )
    voting = current.filter(board=board, role=Role.VOTING).values("organisation")
    counts = members.aggregate(total=Count("pk"), voting=Count("pk", filter=Q(pk__in=voting)))
    paginator = Paginator(
        members.select_related("membership_class")
        .prefetch_related(
            Prefetch("seats", queryset=current.filter(board=board), to_attr="seats_on")
        )
        .order_by("name"),
        DIRECTORY_PAGE_SIZE,
    )
    paginator.count = counts["total"]  # counted above with the voting organisations
    page = paginator.get_page(request.GET.get("page"))
    # Officers, staff and everyone seated in their own right, in one query.
    own_right = Q(organisation__isnull=True, role__in=[Role.VOTING, Role.CO_OPTED, Role.OBSERVER])
    personal_seats = list(
        current.filter(board=board)
        .filter(Q(role__in=OFFICES) | Q(role=Role.STAFF) | own_right)
        .select_related("board", "organisation")
        .order_by("person__full_name", "role")
    )
    individuals, observers = _members_in_own_right(board, personal_seats, on, wanted)
    officers: dict[int, dict] = {}
    for seat in personal_seats:
        if seat.role not in OFFICES and seat.role != Role.STAFF:
            continue
        entry = officers.setdefault(seat.person_id, {"person": seat.person, "seats": []})
        entry["seats"].append(seat)
    rows = [
        {
            "organisation": organisation,
            "embargoed": organisation.is_embargoed_on(timezone.localdate()),
            "voting": [seat for seat in organisation.seats_on if seat.role == Role.VOTING],
            "others": [
                seat for seat in organisation.seats_on if seat.role not in (Role.VOTING, *OFFICES)
            ],
        }
        for organisation in page.object_list
    ]
    query = {
        key: value for key, value in (("on", request.GET.get("on", "")), ("q", wanted)) if value
    }
    return render(
        request,
        "governance/members_directory.html",
        {
            "board": board,
            "standing": standing,
            "rows": rows,
            "page": page,
            "page_query": urlencode(query),
            "wanted": wanted,
            "officers": list(officers.values()),
            "individuals": individuals,
            "observers": observers,
            "by_person": bool(individuals) and not counts["total"],
            "on": on,
            "is_today": on == timezone.localdate(),
            "form": form,
            "total": counts["total"],
            "voting_count": counts["voting"],
            "emails": sorted(
                {seat.person.email for row in rows for seat in row["voting"] + row["others"]}
                | {officer["person"].email for officer in officers.values()}
                | {seat.person.email for seat in [*individuals, *observers]}
            ),
        },
    )


def _members_in_own_right(board: Board, seats: list[Seat], on: dt.date, wanted: str):
    """Of `seats`, those held for no organisation in the board's words: directors ("Governor")
    and co-opted members (saying whether they vote, by the rule in force on `on`, asked only
    when there is one), and observers; those whose name holds `wanted`."""
    wanted = wanted.casefold()
    seats = [
        seat
        for seat in seats
        if seat.organisation_id is None
        and seat.role in (Role.VOTING, Role.CO_OPTED, Role.OBSERVER)
        and wanted in seat.person.full_name.casefold()
    ]
    if any(seat.role == Role.CO_OPTED for seat in seats):
        votes = board.rule_on(on).co_opted_vote
        for seat in seats:
            seat.co_opted_votes = votes
    individuals = [seat for seat in seats if seat.role != Role.OBSERVER]
    individuals.sort(key=lambda seat: (seat.role != Role.VOTING, seat.person.full_name))
    return individuals, [seat for seat in seats if seat.role == Role.OBSERVER]


def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_save(person=form.save(commit=False), actor=request.user)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            return render(request, "registration/profile.html", {"form": form})
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """JSON in every case: `ok`, or `db-down` with 503 when the database does not answer."""
    now = dt.datetime.now(dt.UTC).isoformat()
    try:
        Board.objects.exists()
    except DatabaseError as error:
        logger.warning("healthz: the database does not answer: %s", error)
        response = JsonResponse({"status": "db-down", "time": now}, status=503)
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok", "time": now})
    response["Cache-Control"] = "no-store"
    # Answered before SecurityMiddleware (see HealthCheckMiddleware), so set here like elsewhere.
    response["X-Content-Type-Options"] = "nosniff"
    return response
