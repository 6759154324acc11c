"""Naming and withdrawing proxies from the meeting page: plain form posts that redirect back to
it with what happened said in words, so they work without JavaScript. Every change goes through
`meetings.proxies`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from governance.models import Board, Role, Seat, Standing, User, seats_on
from meetings.access import get_meeting_for
from meetings.errors import DomainError
from meetings.forms import ProxyForm
from meetings.models import Meeting, Proxy
from meetings.proxies import may_manage_proxies, proxy_candidates, proxy_name, proxy_withdraw


def _people_of(board: Board):
    """Anyone who holds or held a seat on the board: ids outside it are not this board's."""
    return User.objects.filter(pk__in=Seat.objects.filter(board=board).values("person"))


def _back(meeting: Meeting) -> str:
    return meeting.get_absolute_url() + "#proxies"


@require_POST
def proxy_new(request: HttpRequest, board_slug: str, meeting_id: int) -> HttpResponse:
    """Name a proxy: a voting member for their own vote; the chair or a secretary for anyone,
    choosing whose vote in `grantor`."""
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    form = ProxyForm(request.POST, people=_people_of(board))
    if not form.is_valid():
        if "grantor" in form.errors:
            raise Http404("No such person on this board")
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(meeting))
    grantor = form.cleaned_data["grantor"] or request.user
    if grantor != request.user and not may_manage_proxies(request.user, meeting, standing):
        raise PermissionDenied("Only the chair or a secretary may name a proxy for someone else.")
    holder = form.cleaned_data["holder"]
    try:
        proxy = proxy_name(
            meeting=meeting,
            grantor=grantor,
            holder=holder,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(meeting))
    whose = "your" if grantor == request.user else f"{proxy.unit_label}’s"
    messages.success(request, f"{holder.full_name} holds {whose} vote at “{meeting.title}”.")
    return redirect(_back(meeting))


@require_POST
def proxy_take_back(
    request: HttpRequest, board_slug: str, meeting_id: int, proxy_id: int
) -> HttpResponse:
    board, standing, meeting = get_meeting_for(request.user, board_slug, meeting_id)
    proxy = get_object_or_404(Proxy.objects.select_related("holder"), pk=proxy_id, meeting=meeting)
    if proxy.grantor_id != request.user.pk and not may_manage_proxies(
        request.user, meeting, standing
    ):
        raise PermissionDenied("Only the grantor, the chair or a secretary may withdraw a proxy.")
    try:
        proxy_withdraw(proxy=proxy, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(meeting))
    messages.success(
        request, f"The proxy is withdrawn: {proxy.holder.full_name} no longer holds it."
    )
    return redirect(_back(meeting))


# -- What the meeting page shows ---------------------------------------------------------------


@dataclass
class ProxyPanel:
    """The meeting page's proxies: the viewer's own (if they hold a vote) and, for the chair and
    secretaries, everyone's, with what each may do."""

    allowed: bool
    may_change: bool  # before the meeting starts, withdrawing too; during it, naming only
    may_withdraw: bool
    own_seat: Seat | None = None
    own_proxy: Proxy | None = None
    candidates: list = field(default_factory=list)
    manager: bool = False
    all_proxies: list[Proxy] = field(default_factory=list)
    grantors: list = field(default_factory=list)
    seated: list = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.manager or self.own_seat is not None


def proxy_panel_for(
    user, standing: Standing, meeting: Meeting, proxies: list[Proxy]
) -> ProxyPanel | None:
    """What the viewer sees of proxies on the meeting page, or None (nothing to show). Two
    queries at most (the seats on the meeting's date, and those of the viewer's organisation)."""
    if meeting.is_adjourned or not standing.is_member:
        return None
    board = meeting.board
    manager = may_manage_proxies(user, meeting, standing)
    seats = list(seats_on(board, meeting.date))
    own_seat = next((s for s in seats if s.person_id == user.pk and s.role == Role.VOTING), None)
    if own_seat is None and not manager:
        return None
    panel = ProxyPanel(
        allowed=board.proxies_allowed,
        may_change=True,
        may_withdraw=meeting.is_scheduled,
        own_seat=own_seat,
        manager=manager,
    )
    if own_seat is not None:
        panel.own_proxy = next((p for p in proxies if p.grantor_id == user.pk), None)
        panel.candidates = proxy_candidates(meeting, own_seat, seats)
    if manager:
        panel.all_proxies = proxies
        voting = {s.person_id: s.person for s in seats if s.role == Role.VOTING}
        panel.grantors = sorted(voting.values(), key=lambda p: p.full_name)
        everyone = {s.person_id: s.person for s in seats}
        panel.seated = sorted(everyone.values(), key=lambda p: p.full_name)
    return panel
