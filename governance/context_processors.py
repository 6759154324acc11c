"""What every page's layout needs from the request."""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance.models import Board, standing_of

BOARD_PATH = re.compile(r"^/b/(?P<slug>[-\w]+)/")


def board_for_navigation(request: HttpRequest) -> Board | None:
    """The board whose navigation a page that belongs to none shows (the profile, the password
    pages, a 403 or 404): the board in the path when the viewer sits on it, else the viewer's
    only board. Read only when the page did not give its own board, so it costs its queries
    only on those pages."""
    user = request.user
    if not user.is_authenticated:
        return None
    if match := BOARD_PATH.match(request.path):
        board = Board.objects.filter(slug=match["slug"]).first()
        if board and (user.is_superuser or standing_of(user, board).is_member):
            return board
    boards = list(Board.objects.for_user(user)[:2])
    if not boards and user.is_superuser:
        boards = list(Board.objects.all()[:2])
    return boards[0] if len(boards) == 1 else None


def navigation(request: HttpRequest) -> dict:
    return {"nav_board": SimpleLazyObject(lambda: board_for_navigation(request))}
