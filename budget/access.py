"""Who may read and change a board's budget. Members read; the secretary and the treasurer edit
(every budget page alike: years, lines, requests, payments, approvals by reference, putting a
request to the board as a motion); others get 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from budget.models import BudgetLine, FiscalYear, SpendingRequest
from governance.access import get_board_for, require_role
from governance.models import Board, Role, Standing

# The treasurer keeps the books with the secretary; the chair reads, as other members do.
BUDGET_EDITORS = (Role.SECRETARY, Role.TREASURER)


def can_edit_budget(standing: Standing) -> bool:
    return standing.has_any(*BUDGET_EDITORS)


def require_budget_editor(standing: Standing) -> None:
    require_role(standing, *BUDGET_EDITORS)


def get_year_for(user, board_slug: str, year: int) -> tuple[Board, Standing, FiscalYear]:
    board, standing = get_board_for(user, board_slug)
    fiscal_year = get_object_or_404(
        FiscalYear.objects.select_related("board"), board=board, year=year
    )
    return board, standing, fiscal_year


def get_line_for(user, board_slug: str, line_id: int) -> tuple[Board, Standing, BudgetLine]:
    board, standing = get_board_for(user, board_slug)
    line = get_object_or_404(
        BudgetLine.objects.select_related("fiscal_year__board"),
        pk=line_id,
        fiscal_year__board=board,
    )
    return board, standing, line


def get_request_for(
    user, board_slug: str, request_id: int
) -> tuple[Board, Standing, SpendingRequest]:
    board, standing = get_board_for(user, board_slug)
    spending_request = get_object_or_404(
        SpendingRequest.objects.select_related("line__fiscal_year__board"),
        pk=request_id,
        line__fiscal_year__board=board,
    )
    return board, standing, spending_request
