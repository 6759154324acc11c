"""The dashboard's "Recent minutes" card."""

from __future__ import annotations

from django.http import HttpRequest

from governance.compiled import CompiledQuery
from governance.dashboard import register_card
from governance.models import Board, Standing
from minutes.models import Minutes


def _recent(board_id: int):
    return (
        Minutes.objects.of_board(Board(pk=board_id))
        .select_related("meeting__board")
        # A line each: never the minutes' text (a long meeting's runs to 170 KB).
        .defer("text", "record_text")
        .latest_first()[:3]
    )


_recent_of_board = CompiledQuery(_recent, board_id=2_000_000_501)


@register_card(order=50, name="recent_minutes", template="minutes/cards/recent_minutes.html")
def recent_minutes(request: HttpRequest, board: Board, standing: Standing) -> dict:
    recent = _recent_of_board.results(board_id=board.pk)
    return {"board": board, "recent": recent}
