"""The budget's dashboard card: what is available for allocation this year."""

from __future__ import annotations

from django.http import HttpRequest

from budget.queries import year_at_a_glance
from governance.dashboard import register_card
from governance.models import Board, Standing


@register_card(order=40, name="budget", template="budget/cards/budget_at_a_glance.html")
def budget_at_a_glance(request: HttpRequest, board: Board, standing: Standing) -> dict | None:
    fiscal_year = year_at_a_glance(board)
    if fiscal_year is None:
        return None
    return {"fiscal_year": fiscal_year}
