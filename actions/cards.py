"""The dashboard's "Your actions" card: open and overdue counts, the three most urgent."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from actions.queries import my_actions_summary
from governance.dashboard import register_card
from governance.models import Board, Standing


@register_card(order=30, name="your_actions", template="actions/cards/your_actions.html")
def your_actions(request: HttpRequest, board: Board, standing: Standing) -> dict | None:
    if not standing.seats:
        return None  # an administrator without a seat owns no actions
    mine = my_actions_summary(board, request.user, per_page=3, finished_limit=0, with_owners=False)
    return {"mine": mine, "urgent": mine.unfinished, "today": timezone.localdate()}
