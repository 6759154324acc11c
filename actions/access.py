"""Who may see and change action items. Views and services ask here; nothing else decides.

Every member of the board reads its actions; an action's owners (everyone, for "Action All"),
the chair and the secretary update it; the chair and the secretary reconcile, reassign and raise
actions between meetings. Another board's actions are 404, never 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from actions.models import ActionItem
from governance.access import get_board_for
from governance.models import Board, Standing


def get_action_for(user, board_slug: str, action_id: int) -> tuple[Board, Standing, ActionItem]:
    board, standing = get_board_for(user, board_slug)
    action = get_object_or_404(
        ActionItem.objects.select_related(
            "board", "meeting", "item", "created_by"
        ).prefetch_related("owners"),
        pk=action_id,
        board=board,
    )
    return board, standing, action


def may_update(user, standing: Standing, action: ActionItem) -> bool:
    return standing.is_officer or action.is_owned_by(user)


def may_reconcile(standing: Standing) -> bool:
    return standing.is_officer


def require_may_update(user, standing: Standing, action: ActionItem) -> None:
    if not may_update(user, standing, action):
        raise PermissionDenied("Only the action's owners, the chair and the secretary update it.")


def require_may_reconcile(standing: Standing) -> None:
    if not may_reconcile(standing):
        raise PermissionDenied("Only the chair and the secretary reconcile the board's actions.")
