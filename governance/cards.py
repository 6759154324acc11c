"""The governance app's dashboard card: the board at a glance."""

from django.utils import timezone

from governance.dashboard import register_card
from governance.models import seated_voting_units


@register_card(order=90, name="board", template="governance/cards/board.html")
def board_card(request, board, standing) -> dict:
    today = timezone.localdate()
    seated = seated_voting_units(board, today)
    return {
        "seats": standing.seats,
        "seated_units": seated,
        "required": board.quorum_required(seated),
        "rule": board.describe_quorum_rule(),
        "noun": board.unit_noun(seated),
    }
