"""The dashboard is a column of cards, each contributed by the app that owns its data.

An app registers a card in its AppConfig.ready(); the dashboard view renders the registered cards
in order. A card's context function returns None to leave the card out for this viewer (e.g. no
motion awaits their vote), or a dict for its template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from governance.models import Board, Standing

CardContext = Callable[[HttpRequest, Board, Standing], dict | None]


@dataclass(frozen=True)
class Card:
    order: int
    name: str
    template: str
    context: CardContext


_cards: dict[str, Card] = {}


def register_card(*, order: int, name: str, template: str) -> Callable[[CardContext], CardContext]:
    def decorator(function: CardContext) -> CardContext:
        _cards[name] = Card(order=order, name=name, template=template, context=function)
        return function

    return decorator


def cards_for(request: HttpRequest, board: Board, standing: Standing) -> list[str]:
    """The cards this viewer sees, rendered; each template gets its dict as `context`."""
    shown = []
    for card in sorted(_cards.values(), key=lambda card: card.order):
        context = card.context(request, board, standing)
        if context is not None:
            shown.append(
                render_to_string(
                    card.template,
                    {"board": board, "standing": standing, "context": context},
                    request=request,
                )
            )
    return shown
