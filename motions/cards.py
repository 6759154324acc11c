"""The dashboard's "Awaiting your vote" card."""

from __future__ import annotations

from django.http import HttpRequest

from governance.dashboard import register_card
from governance.models import Board, Standing
from motions.queries import awaiting_vote_of


@register_card(order=10, name="awaiting_vote", template="motions/cards/awaiting_vote.html")
def awaiting_vote(request: HttpRequest, board: Board, standing: Standing) -> dict | None:
    awaiting = awaiting_vote_of(request.user, board, standing)
    if not awaiting:
        return None
    return {"board": board, "awaiting": awaiting}
