"""Who reads which version of a board's minutes. Views ask here; nothing else decides.

Members of the board read the board's version of every minutes, marked where confidential.
Anyone else (an anonymous visitor, a member of another board) reads the public version of
published minutes, and only when the board publishes its minutes; otherwise anonymous visitors
are asked to log in and other boards' members are told there is nothing here (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from governance.access import get_board_for
from governance.compiled import CompiledQuery
from governance.models import Board, Role, Standing
from minutes.disclosure import BOARD, PUBLIC
from minutes.models import Minutes


class LoginNeeded(Exception):
    pass


@dataclass(frozen=True)
class Reader:
    board: Board
    standing: Standing
    audience: str

    @property
    def is_board(self) -> bool:
        return self.audience == BOARD

    @property
    def is_officer(self) -> bool:
        return self.is_board and self.standing.has_any(Role.CHAIR, Role.SECRETARY)

    @property
    def is_chair(self) -> bool:
        return self.is_board and self.standing.is_chair


def reader_for(request: HttpRequest, slug: str) -> Reader:
    user = request.user
    if getattr(user, "is_authenticated", False):
        # A member (or a superuser) as every board page finds them: one query, the board
        # joined to their seats.
        try:
            board, standing = get_board_for(user, slug)
        except Http404:
            pass
        else:
            return Reader(board, standing, BOARD)
    board = get_object_or_404(Board, slug=slug)
    if not getattr(user, "timezone", ""):
        timezone.activate(board.zone)
    if board.minutes_public:
        return Reader(board, Standing(board=board, on=timezone.localdate()), PUBLIC)
    if not user.is_authenticated:
        raise LoginNeeded
    raise Http404("No such board")


def login_redirect(request: HttpRequest):
    return redirect_to_login(request.get_full_path())


def _minutes_of(board_id: int, meeting_id: int, published_only: bool = False):
    queryset = Minutes.objects.select_related(
        "meeting__board",
        "meeting__chair",
        "generated_by",
        "circulated_by",
        "approved_by",
        "published_by",
        "approval_meeting",
        "approval_motion__board",
        "approval_motion__meeting",
    )
    # The record's text as the minutes last took it in (as long as the minutes) is read only
    # when corrections are taken in, from the locked row: never for a page.
    queryset = queryset.defer("record_text").filter(
        meeting__board_id=board_id, meeting_id=meeting_id
    )
    return queryset.published() if published_only else queryset


# Every minutes page asks it: compiled once per process (governance/compiled.py).
_minutes = CompiledQuery(_minutes_of, board_id=2_000_000_601, meeting_id=2_000_000_603)


def get_minutes_for(reader: Reader, meeting_id: int) -> Minutes:
    """The minutes of a meeting of the reader's board; the public reads only published ones."""
    found = _minutes.results(
        board_id=reader.board.pk,
        meeting_id=meeting_id,
        shape={"published_only": not reader.is_board},
    )
    if not found:
        raise Http404("No such minutes")
    return found[0]


def require_officer(reader: Reader) -> None:
    if not reader.is_officer:
        raise PermissionDenied("Only the chair or a secretary may do this with the minutes.")


def require_board(reader: Reader) -> None:
    if not reader.is_board:
        raise PermissionDenied("Only members of the board may do this.")
