"""The dashboard's "Recent minutes" card."""

from __future__ import annotations

from django.http import HttpRequest

from governance.dashboard import register_card
from governance.models import Board, Standing
from minutes.models import Minutes


@register_card(order=50, name="recent_minutes", template="minutes/cards/recent_minutes.html")
def recent_minutes(request: HttpRequest, board: Board, standing: Standing) -> dict:
    recent = list(
        Minutes.objects.of_board(board).select_related("meeting__board").latest_first()[:3]
    )
    return {"board": board, "recent": recent}
