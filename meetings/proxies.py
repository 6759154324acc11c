"""Proxies: a voting member names someone seated on the board to hold their vote at one meeting.

`proxy_name` and `proxy_withdraw` are the only writes. Each locks the meeting (so two grants to
one holder, or two grants for one unit, are decided one after the other), then the proxy rows it
decides on, refuses in words, audits, and tells live pages. Who holds a vote at a moment is
answered by `meetings.queries.vote_holders_at`, which reads the proxies written here.

After adjournment proxies are part of the closed record; the stated corrections
(`meetings.corrections`) correct attendance, notes and items, not proxies, so a change is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from governance import audit
from governance.access import acting_standing
from governance.formatting import day
from governance.models import REPRESENTATIVE_ROLES, Role, Seat, VotingBasis, seats_on
from meetings.access import can_plan
from meetings.errors import ProxyRefused
from meetings.locking import _locked, _now, _recorded
from meetings.models import Meeting, Proxy
from meetings.queries import organisation_unit_key, person_unit_key, voting_basis_for

NOTE_MAX = 200
ADJOURNED = (
    "The meeting is adjourned: its proxies are part of the closed record. Corrections of the "
    "record cover attendance, notes and items, not proxies, so this cannot be changed now."
)


def may_manage_proxies(user, meeting: Meeting, standing=None) -> bool:
    """The chair and the secretaries name and withdraw proxies for anyone."""
    standing = standing or acting_standing(user, meeting.board)
    return can_plan(user, standing, meeting)


def voting_seat_of(person, meeting: Meeting) -> Seat | None:
    """The voting seat `person` holds on the meeting's date, if any."""
    return seats_on(meeting.board, meeting.date).filter(person=person, role=Role.VOTING).first()


def unit_key_for(seat: Seat, basis: str) -> str:
    """The unit a voting seat votes for: its organisation, or on a board that votes by person
    (or for a director without an organisation) the director."""
    if basis == VotingBasis.ORGANISATION and seat.organisation_id:
        return organisation_unit_key(seat.organisation_id)
    return person_unit_key(seat.person_id)


def proxy_candidates(meeting: Meeting, grantor_seat: Seat, seats: list[Seat] | None = None) -> list:
    """Who may hold `grantor_seat`'s proxy: everyone seated on the meeting's date but the
    grantor, from the grantor's own organisation unless the board allows others. One query,
    none given the seats on the meeting's date."""
    if seats is None:
        seats = list(seats_on(meeting.board, meeting.date))
    people: dict[int, object] = {}
    for seat in seats:
        if seat.person_id == grantor_seat.person_id:
            continue
        if _may_hold(meeting.board, grantor_seat, [seat]):
            people[seat.person_id] = seat.person
    return sorted(people.values(), key=lambda person: person.full_name)


def _may_hold(board, grantor_seat: Seat, holder_seats: list[Seat]) -> bool:
    if board.proxies_from_other_organisations or not grantor_seat.organisation_id:
        return True
    return any(
        seat.organisation_id == grantor_seat.organisation_id and seat.role in REPRESENTATIVE_ROLES
        for seat in holder_seats
    )


@transaction.atomic
def proxy_name(
    *, meeting: Meeting, grantor, holder, actor, note: str = "", at: dt.datetime | None = None
) -> Proxy:
    """`holder` holds `grantor`'s vote at `meeting`: named by the grantor, or by the chair or a
    secretary for anyone. Refused, with the reason, when the board's rules do not allow it."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ProxyRefused(f"Keep the note to {NOTE_MAX} characters.")
    locked = _locked(meeting, closed_ok=True)
    if locked.is_adjourned:
        raise ProxyRefused(ADJOURNED)
    board = locked.board
    if actor.pk != grantor.pk and not may_manage_proxies(actor, locked):
        raise ProxyRefused("You may name a proxy only for your own vote.")
    if not board.proxies_allowed:
        raise ProxyRefused(f"{board} does not allow proxies.")
    on = locked.date
    grantor_seat = voting_seat_of(grantor, locked)
    if grantor_seat is None:
        raise ProxyRefused(
            f"{grantor} holds no voting seat on {day(on)}, so has no vote to entrust to a proxy."
        )
    if holder.pk == grantor.pk:
        raise ProxyRefused("A proxy is someone else: choose another person to hold the vote.")
    holder_seats = list(seats_on(board, on).filter(person=holder))
    if not holder_seats:
        raise ProxyRefused(
            f"{holder} holds no seat on {board} on {day(on)}; a proxy must be seated on the board."
        )
    if not _may_hold(board, grantor_seat, holder_seats):
        raise ProxyRefused(
            f"{holder} does not sit for {grantor_seat.organisation}, and {board} does not allow "
            "a proxy from another organisation."
        )
    unit_key = unit_key_for(grantor_seat, voting_basis_for(locked))
    # The rows decided on, locked: this unit's proxy, and those the holder already holds.
    standing = list(
        Proxy.objects.select_for_update(of=("self",))
        .filter(meeting=locked)
        .standing()
        .order_by("pk")
        .select_related("holder", "grantor", "organisation")
    )
    for existing in standing:
        if existing.unit_key == unit_key:
            raise ProxyRefused(
                f"{existing.holder} already holds {existing.unit_label}'s proxy at this "
                "meeting; withdraw it first."
            )
    held = [existing for existing in standing if existing.holder_id == holder.pk]
    if len(held) >= board.proxies_per_holder:
        limit = board.proxies_per_holder
        noun = "proxy" if limit == 1 else "proxies"
        raise ProxyRefused(
            f"{holder} already holds {len(held)} {noun} at this meeting "
            f"({', '.join(p.unit_label for p in held)}); {board} allows {limit} per person."
        )
    now = _now(at)
    proxy = Proxy(
        meeting=locked,
        unit_key=unit_key,
        grantor=grantor,
        organisation=grantor_seat.organisation,
        holder=holder,
        note=note,
        created_by=actor,
        created_at=now,
        held_from=now if locked.is_in_progress else None,
    )
    try:
        with transaction.atomic():
            proxy.save()
    except IntegrityError as error:  # the unique constraint, should a writer slip past the lock
        raise ProxyRefused("This vote already has a proxy at this meeting.") from error
    _recorded(
        locked,
        actor=actor,
        action="proxy.name",
        target=proxy,
        summary=f"Named {holder} to hold {proxy.unit_label}'s vote at “{locked.title}”",
        changes=audit.changes_between({}, audit.snapshot(proxy)),
    )
    return proxy


@transaction.atomic
def proxy_withdraw(*, proxy: Proxy, actor, at: dt.datetime | None = None) -> Proxy:
    """Take a proxy back, before the meeting starts: by the grantor, the chair or a secretary.
    The row stays, marked withdrawn, so the record of who was named is kept."""
    locked = _locked(proxy.meeting, closed_ok=True)
    if locked.is_adjourned:
        raise ProxyRefused(ADJOURNED)
    proxy = (
        Proxy.objects.select_for_update(of=("self",))
        .select_related("holder", "grantor", "organisation")
        .get(pk=proxy.pk)
    )
    if actor.pk != proxy.grantor_id and not may_manage_proxies(actor, locked):
        raise ProxyRefused("You may withdraw only a proxy for your own vote.")
    if proxy.withdrawn_at is not None:
        raise ProxyRefused(f"{proxy.holder}'s proxy for {proxy.unit_label} is already withdrawn.")
    if not locked.is_scheduled:
        raise ProxyRefused(
            "The meeting has started: a proxy is withdrawn only before it starts. A "
            "representative who is present votes themselves, whoever holds their proxy."
        )
    before = audit.snapshot(proxy)
    proxy.withdrawn_at = _now(at)
    proxy.withdrawn_by = actor
    proxy.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _recorded(
        locked,
        actor=actor,
        action="proxy.withdraw",
        target=proxy,
        summary=f"Withdrew {proxy.holder}'s proxy for {proxy.unit_label} at “{locked.title}”",
        changes=audit.changes_between(before, audit.snapshot(proxy)),
    )
    return proxy
