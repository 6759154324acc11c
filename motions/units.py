"""Voting units: who may vote on a motion, for which unit, and which units there are.

A unit is an organisation on a board that votes per organisation, else a voting member. In a
meeting the unit's vote is held by whoever `meetings.queries.vote_holders_at` says; on a ballot
by the representative or the alternate, whoever votes first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from governance.models import Board, Role, Standing, VotingBasis, seats_on
from meetings.queries import (
    co_opted_vote_for,
    organisation_unit_key,
    person_unit_key,
    vote_holders_around,
    voting_basis_for,
)
from motions.errors import NotEntitled
from motions.models import Motion


@dataclass(frozen=True)
class Unit:
    key: str
    label: str
    organisation_id: int | None = None
    person_id: int | None = None


def seated_units(
    board: Board, on: dt.date, *, basis: str | None = None, co_opted_vote: bool | None = None
) -> list[Unit]:
    """Every voting unit seated on `on`, by name: the base of turnout and 'all seated'.

    Counted by the rule in force on `on` unless `basis` and `co_opted_vote` are given (a
    meeting's, as it started: `seated_units_for`). A representative's unit is their organisation
    on a board that votes by organisation; a director in their own right, and a co-opted member
    when co-opted members vote, is a unit of their own."""
    if basis is None or co_opted_vote is None:
        rule = board.rule_on(on)
        basis = rule.voting_basis if basis is None else basis
        co_opted_vote = rule.co_opted_vote if co_opted_vote is None else co_opted_vote
    units: dict[str, Unit] = {}
    for seat in seats_on(board, on).filter(role__in=[Role.VOTING, Role.CO_OPTED]):
        if seat.role == Role.CO_OPTED and not co_opted_vote:
            continue
        if seat.role == Role.VOTING and basis == VotingBasis.ORGANISATION and seat.organisation_id:
            key = organisation_unit_key(seat.organisation_id)
            units.setdefault(
                key,
                Unit(key=key, label=seat.organisation.name, organisation_id=seat.organisation_id),
            )
        else:
            key = person_unit_key(seat.person_id)
            units.setdefault(
                key,
                Unit(
                    key=key,
                    label=seat.person.full_name,
                    organisation_id=seat.organisation_id,
                    person_id=seat.person_id,
                ),
            )
    return sorted(units.values(), key=lambda unit: unit.label)


def seated_units_for(motion: Motion, on: dt.date) -> list[Unit]:
    """The units seated for `motion`: a meeting's counted as the meeting counts them (its
    basis as it started), a ballot's by the rule in force on `on`."""
    if motion.meeting_id:
        return seated_units(
            motion.board,
            on,
            basis=voting_basis_for(motion.meeting),
            co_opted_vote=co_opted_vote_for(motion.meeting),
        )
    return seated_units(motion.board, on)


def day_of(motion: Motion, at: dt.datetime | None = None) -> dt.date:
    """The day whose seats count: the meeting's date, or a ballot's day in the board's zone."""
    if motion.meeting_id:
        return motion.meeting.date
    return timezone.localtime(at or timezone.now(), motion.board.zone).date()


def unit_of_voter(
    motion: Motion,
    person,
    at: dt.datetime | None = None,
    *,
    unit_key: str | None = None,
    standing: Standing | None = None,
) -> Unit:
    """The unit `person` votes for on `motion` at `at`, or NotEntitled saying why not.

    In a meeting a person may hold several units' votes (their own and, as proxy, others'):
    `unit_key` chooses one; without it their own unit comes first. A caller that has read the
    person's `standing` on the board passes it: a ballot decided on that day reads no seats."""
    if not motion.meeting_id:
        return _ballot_unit(motion, person, at, standing=standing)
    return units_of_voter(motion, person, at, unit_key=unit_key)[0]


def units_of_voter(
    motion: Motion, person, at: dt.datetime | None = None, *, unit_key: str | None = None
) -> tuple[Unit, list[Unit]]:
    """`unit_of_voter`, and every unit `person` holds with it: in a meeting, their own first,
    then those they hold as proxy (by name); for a ballot, that one unit. Read once, for the
    vote and for what its answer shows."""
    if not motion.meeting_id:
        unit = _ballot_unit(motion, person, at)
        return unit, [unit]
    holders = vote_holders_around(motion.meeting, person, at)
    held = sorted(
        (holder for holder in holders.values() if holder.person_id == person.pk),
        key=lambda holder: (holder.by_proxy, holder.unit_label),
    )
    units = [
        Unit(
            key=holder.unit_key,
            label=holder.unit_label,
            organisation_id=holder.organisation.pk if holder.organisation else None,
            person_id=holder.unit_person_id,
        )
        for holder in held
    ]
    if unit_key is not None:
        for unit in units:
            if unit.key == unit_key:
                return unit, units
        raise NotEntitled("You do not hold that vote at this moment of the meeting.")
    if not units:
        raise NotEntitled(_why_not_in_meeting(motion, person, holders, at))
    return units[0], units


def _ballot_unit(
    motion: Motion, person, at: dt.datetime | None, *, standing: Standing | None = None
) -> Unit:
    board = motion.board
    on = day_of(motion, at)
    if standing is not None and standing.board.pk == board.pk and standing.on == on:
        seats = list(standing.seats)  # the seats held that day, their organisations with them
    else:
        seats = list(seats_on(board, on).filter(person=person).select_related("organisation"))
    if not seats:
        raise NotEntitled("You hold no seat on this board, so you have no vote.")
    rule = board.rule_on(on)
    for seat in sorted(seats, key=lambda seat: seat.role != Role.VOTING):
        if seat.role == Role.VOTING or (seat.role == Role.CO_OPTED and rule.co_opted_vote):
            if rule.voting_basis == VotingBasis.ORGANISATION and seat.organisation_id:
                return Unit(
                    key=organisation_unit_key(seat.organisation_id),
                    label=seat.organisation.name,
                    organisation_id=seat.organisation_id,
                )
            return Unit(
                key=person_unit_key(person.pk),
                label=person.full_name,
                organisation_id=seat.organisation_id,
                person_id=person.pk,
            )
        if seat.role == Role.ALTERNATE and rule.voting_basis == VotingBasis.ORGANISATION:
            return Unit(
                key=organisation_unit_key(seat.organisation_id),
                label=seat.organisation.name,
                organisation_id=seat.organisation_id,
            )
    roles = ", ".join(sorted({seat.get_role_display().lower() for seat in seats}))
    raise NotEntitled(f"You sit on the board as {roles}, which carries no vote.")


def _why_not_in_meeting(motion: Motion, person, holders, at) -> str:
    attendance = motion.meeting.attendances.filter(person=person).first()
    if attendance is None or not attendance.is_present_at(at):
        standing = seats_on(motion.board, motion.meeting.date).filter(person=person)
        if not standing.exists():
            return "You hold no seat on this board, so you have no vote."
        return "Only voting members present at the meeting vote, and you are not marked present."
    if not attendance.sits_for_vote:
        return f"You attend as {attendance.get_role_display().lower()}, which carries no vote."
    for holder in holders.values():
        if holder.organisation and holder.organisation.pk == attendance.organisation_id:
            return (
                f"{holder.attendance.name} holds {holder.unit_label}'s vote at this meeting; "
                "one vote per organisation."
            )
    return "You do not hold a vote at this meeting."


def secret_unit_key(motion: Motion, unit_key: str) -> str:
    """The unit as stored on a secret vote: keyed by the server's secret, which the database
    does not hold, so a reader of the database cannot tell whose vote a row is. The same unit
    gets the same key on the same motion, so a changed vote still replaces the earlier one."""
    message = f"motion-vote:{motion.pk}:{unit_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def units_held_by(motion: Motion, person, at: dt.datetime | None = None) -> list[Unit]:
    """Every unit whose vote `person` holds in `motion`'s meeting at `at`: their own first, then
    those they hold as proxy. Empty for a ballot (one unit each, `unit_of_voter`)."""
    if not motion.meeting_id:
        return []
    try:
        return units_of_voter(motion, person, at)[1]
    except NotEntitled:
        return []
