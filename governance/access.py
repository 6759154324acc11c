"""Who may see and do what on a board. Views ask here; nothing else decides access."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from governance.compiled import CompiledQuery
from governance.models import Board, Role, Seat, Standing, standing_of


def _seats_of(slug: str, person_id: int):
    return (
        Seat.objects.filter(board__slug=slug, person_id=person_id)
        .select_related("board", "person", "organisation")
        .order_by("organisation__name", "role", "person__full_name")
    )


def _seats_of_either(slug: str, person_id: int, other_id: int):
    return (
        Seat.objects.filter(board__slug=slug)
        .filter(Q(person_id=person_id) | Q(person_id=other_id))
        .select_related("board", "person", "organisation")
        .order_by("organisation__name", "role", "person__full_name")
    )


# Asked by every board page (and the roll call, for the person it names): compiled once per
# process (governance/compiled.py).
seats_of_person = CompiledQuery(
    _seats_of, slug="precompiled-stand-in-slug", person_id=2_000_000_101
)
seats_of_two = CompiledQuery(
    _seats_of_either,
    slug="precompiled-stand-in-slug",
    person_id=2_000_000_101,
    other_id=2_000_000_103,
)


def get_board_for(user, slug: str) -> tuple[Board, Standing]:
    """The board and the user's standing on it today; 404 for anyone without a seat on it.

    Superusers see every board (the secretary's admin account may hold no seat), as if chair
    and secretary, so that they can reconcile what the board's officers see.
    """
    board, standing, _ = get_board_and_seats_of(user, slug, None)
    return board, standing


def get_board_and_seats_of(
    user, slug: str, person_id: int | None
) -> tuple[Board, Standing, list[Seat]]:
    """`get_board_for`, and another person's seats on the board (whatever their dates, with
    the person and organisation), read in the same query: the roll call naming someone who is
    not on it yet finds them, and their seat on the meeting's day, at no cost of its own."""
    # Every page asks this first, so it is one query for a member: their seats on the board,
    # whatever their dates, with the board joined; the day's seats are picked here, once the
    # board's zone (for someone with no zone of their own) says what day it is. Only someone
    # with no seat on the board at all costs a second query (the board, for a superuser or 404).
    rows: list[Seat] = []
    if getattr(user, "is_authenticated", False):
        if person_id:
            rows = seats_of_two.results(slug=slug, person_id=user.pk, other_id=person_id)
        else:
            rows = seats_of_person.results(slug=slug, person_id=user.pk)
    seats = [seat for seat in rows if seat.person_id == user.pk]
    theirs = [seat for seat in rows if seat.person_id == person_id] if person_id else []
    board = rows[0].board if rows else get_object_or_404(Board, slug=slug)
    if not getattr(user, "timezone", ""):
        # Someone who chose no zone of their own sees the board's times in the board's zone.
        timezone.activate(board.zone)
    on = timezone.localdate()
    for seat in rows:
        seat.board = board
    standing = Standing(board=board, on=on, seats=tuple(s for s in seats if s.holds_on(on)))
    if standing.is_member:
        return board, standing, theirs
    if getattr(user, "is_superuser", False):
        return board, SuperuserStanding(board=board, on=standing.on), theirs
    raise Http404("No such board")


def acting_standing(person, board: Board) -> Standing:
    """The standing a person acts with on `board`, the same for pages and services: their seats;
    a superuser holding none acts as chair and secretary (the admin account reconciling)."""
    standing = standing_of(person, board)
    if standing.is_member or not getattr(person, "is_superuser", False):
        return standing
    return SuperuserStanding(board=board, on=standing.on)


class SuperuserStanding(Standing):
    @property
    def roles(self) -> frozenset[str]:
        return frozenset({Role.CHAIR, Role.SECRETARY})

    @property
    def is_member(self) -> bool:
        return True


def require_role(standing: Standing, *roles: str) -> None:
    """403 unless the standing holds one of `roles`."""
    if not standing.has_any(*roles):
        labels = [Role(role).label.lower() for role in roles]
        named = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
        raise PermissionDenied(f"Only the {named} may do this.")


def require_officer(standing: Standing) -> None:
    require_role(standing, Role.CHAIR, Role.SECRETARY)
