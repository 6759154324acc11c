"""Actions for tests, raised through the services as the pages raise them."""

from __future__ import annotations

import datetime as dt

from actions import services
from actions.models import ActionItem


def raise_action(
    cast, *owners, text="Send the report", for_all=False, due_on=None, at=None, item=None
) -> ActionItem:
    """An action owned by `owners` (or the whole board), raised by the secretary between
    meetings, or under `item` if given (its meeting must be in progress)."""
    return services.action_record(
        board=cast.board,
        description=text,
        owners=list(owners),
        for_all=for_all,
        due_on=due_on,
        item=item,
        actor=cast.sam,
        at=at,
    )


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
