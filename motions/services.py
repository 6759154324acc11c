"""Every change to a motion or a vote. Views, the console, commands and the demo come through here.

Locking: a vote takes a *shared* lock on its motion (PostgreSQL `FOR SHARE`), so voters never
wait for each other, and an exclusive lock on its unit's `Participation` row, so one unit's two
voters do: both in the one statement that claims the unit's row, which also checks that the
motion is still open (`motions.vote_store`). Closing takes the motion's exclusive lock, which
waits for every vote in flight and keeps new ones out until the tally is frozen; a vote that
arrives after sees a closed motion. On SQLite, `IMMEDIATE` transactions serialise every writer,
which gives the same guarantees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.compiled import CompiledQuery
from governance.formatting import when
from governance.models import Board, seats_on
from governance.text import REASON_MAX, text_refusal
from meetings.models import AgendaItem, ItemKind, Meeting
from meetings.queries import quorum_of, vote_holders_at
from meetings.services import (
    ItemDetails,
    agenda_item_add,
    meeting_changed,
    meeting_lock_for_change,
)
from motions import vote_store
from motions.errors import InvalidMotion, MotionClosed, NotEntitled, WrongMotionState
from motions.models import (
    RECORDED_METHODS,
    Abstentions,
    Choice,
    Method,
    Motion,
    MotionCorrection,
    Outcome,
    Participation,
    Status,
    Threshold,
    Vote,
)
from motions.tally import Count, Rule, decide
from motions.units import (
    Unit,
    day_of,
    seated_units_for,
    secret_unit_key,
    units_of_voter,
)

# -- Hooks for the apps built on motions ---------------------------------------------------------

DecidedHook = Callable[..., None]
_decided_hooks: list[DecidedHook] = []


def on_decided(function: DecidedHook) -> DecidedHook:
    """Register `function(motion=..., actor=...)`, called in the closing transaction of every
    motion (budget approves its spending request when the motion carries)."""
    _decided_hooks.append(function)
    return function


# -- Helpers -----------------------------------------------------------------------------------


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _meeting_changed(motion: Motion) -> None:
    """Tell the meeting's live pages to fetch the record again."""
    if motion.meeting_id:
        meeting_changed(meeting=motion.meeting)


def _recorded(motion: Motion, *, actor, action: str, summary: str, data=None) -> None:
    _meeting_changed(motion)
    audit.record(
        board=motion.board, actor=actor, action=action, target=motion, summary=summary, data=data
    )


def _locked(motion: Motion) -> Motion:
    """The motion row, exclusively locked until the transaction ends."""
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("board", "meeting", "meeting__board", "depends_on")
        .get(pk=motion.pk)
    )


def _as_stored(motion: Motion) -> Motion:
    """The motion as it stands now (the caller's copy may be older), with what a vote reads."""
    return Motion.objects.select_related("board", "meeting", "meeting__board").get(pk=motion.pk)


def _short(motion: Motion) -> str:
    return f"“{motion.title}”"


# A motion's wording, as the minutes will read it (the form states the same limit).
TEXT_MAX = 4000


# -- Creating --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MotionDetails:
    """What a person states when putting a motion."""

    text: str
    method: str = Method.LIVE
    threshold: str = Threshold.MAJORITY
    fixed_count: int | None = None
    turnout: Decimal | None = None
    one_objection_blocks: bool = False
    abstentions: str = Abstentions.NOT_CAST
    secret: bool = False
    proposer: object | None = None
    seconder: object | None = None
    closes_at: dt.datetime | None = None
    depends_on: Motion | None = None
    amends: Motion | None = None
    replaces: Motion | None = None


def _validated(board: Board, details: MotionDetails, meeting: Meeting | None) -> MotionDetails:
    if not details.text.strip():
        raise InvalidMotion("Say what the board is asked to resolve.")
    if refusal := text_refusal(details.text.strip(), limit=TEXT_MAX, noun="the motion"):
        raise InvalidMotion(refusal)
    if details.method not in Method.values:
        raise InvalidMotion("Choose how the motion is decided.")
    if details.threshold not in Threshold.values:
        raise InvalidMotion("Choose the threshold the motion needs.")
    if details.abstentions not in Abstentions.values:
        raise InvalidMotion("Say how abstentions count.")
    if details.threshold == Threshold.FIXED and not (details.fixed_count or 0) >= 1:
        raise InvalidMotion("A fixed-number rule needs the number of votes in favour (1 or more).")
    if details.turnout is not None and not Decimal(0) < details.turnout <= 1:
        raise InvalidMotion("Turnout is a share of the voting units between 0 and 1, such as 0.5.")
    if details.secret and details.method not in (Method.LIVE, Method.BALLOT):
        raise InvalidMotion("Only a live vote or a ballot can be secret.")
    if details.method == Method.BALLOT and meeting is not None:
        raise InvalidMotion("A ballot is voted between meetings; choose a live vote in a meeting.")
    if details.method != Method.BALLOT and meeting is None:
        raise InvalidMotion("Only a ballot is decided outside a meeting.")
    for name in ("depends_on", "amends", "replaces"):
        other = getattr(details, name)
        if other is not None and other.board_id != board.pk:
            raise InvalidMotion("A motion can only refer to motions of the same board.")
    on = meeting.date if meeting else timezone.localdate()
    seated = set(seats_on(board, on).values_list("person_id", flat=True))
    for name in ("proposer", "seconder"):
        person = getattr(details, name)
        if person is not None and person.pk not in seated:
            raise InvalidMotion(f"The {name} must hold a seat on the board.")
    if details.proposer and details.seconder and details.proposer.pk == details.seconder.pk:
        raise InvalidMotion("A motion is seconded by someone other than its proposer.")
    return details


@transaction.atomic
def motion_create(
    *,
    board: Board,
    details: MotionDetails,
    actor,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    agenda_title: str = "",
) -> Motion:
    """A draft motion: in a meeting (optionally under one of its items, or under a new decision
    item `agenda_title` added to its agenda), or a ballot."""
    if meeting is not None:
        if meeting.board_id != board.pk:
            raise InvalidMotion("That meeting is not one of this board's.")
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        if meeting.is_adjourned:
            raise WrongMotionState(
                "The meeting is adjourned; its record changes only by a correction."
            )
    if item is not None and (meeting is None or item.meeting_id != meeting.pk):
        raise InvalidMotion("That agenda item is not on this meeting's agenda.")
    details = _validated(board, details, meeting)
    if meeting is not None and item is None and agenda_title.strip():
        item = agenda_item_add(
            meeting=meeting,
            details=ItemDetails(title=agenda_title.strip()[:200], kind=ItemKind.DECISION),
            actor=actor,
        )
    motion = Motion.objects.create(
        board=board,
        meeting=meeting,
        item=item,
        text=details.text.strip(),
        method=details.method,
        threshold=details.threshold,
        fixed_count=details.fixed_count if details.threshold == Threshold.FIXED else None,
        turnout=details.turnout,
        one_objection_blocks=details.one_objection_blocks,
        abstentions=details.abstentions,
        secret=details.secret,
        proposer=details.proposer,
        seconder=details.seconder,
        closes_at=details.closes_at if details.method == Method.BALLOT else None,
        depends_on=details.depends_on,
        amends=details.amends,
        replaces=details.replaces,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _recorded(
        motion, actor=actor, action="motion.create", summary=f"Put the motion {_short(motion)}"
    )
    return motion


# -- Opening, withdrawing, tabling -----------------------------------------------------------


def _require_meeting_in_progress(motion: Motion) -> None:
    """Decided under the meeting's lock, so an adjournment cannot slip in between."""
    if motion.meeting_id:
        motion.meeting = meeting_lock_for_change(motion.meeting)
    if motion.meeting_id and not motion.meeting.is_in_progress:
        if motion.meeting.is_adjourned:
            raise WrongMotionState(
                "The meeting is adjourned; its record changes only by a correction."
            )
        raise WrongMotionState("Start the meeting before deciding its motions.")


@transaction.atomic
def motion_open(
    *, motion: Motion, actor, at: dt.datetime | None = None, closes_at: dt.datetime | None = None
) -> Motion:
    """Open a live vote or a ballot: vote holders may vote from now until it closes."""
    motion = _locked(motion)
    now = _now(at)
    if motion.status not in (Status.DRAFT, Status.TABLED):
        raise WrongMotionState(
            f"The motion is {motion.get_status_display().lower()}; only a draft "
            "or tabled motion can be opened."
        )
    if motion.method not in (Method.LIVE, Method.BALLOT):
        raise WrongMotionState("The chair records this decision; it is not opened to votes.")
    _require_meeting_in_progress(motion)
    if motion.is_ballot:
        motion.closes_at = closes_at or motion.closes_at
        if motion.closes_at is None:
            raise InvalidMotion("A ballot needs a deadline.")
        if motion.closes_at <= now:
            raise InvalidMotion("The deadline must be in the future.")
    motion.status = Status.OPEN
    motion.opened_at = now
    motion.save(update_fields=["status", "opened_at", "closes_at"])
    summary = f"Opened {_short(motion)} for votes"
    if motion.closes_at:
        summary += f" until {when(motion.closes_at)}"
    _recorded(motion, actor=actor, action="motion.open", summary=summary)
    return motion


def _set_aside(motion: Motion, *, status: str, actor, action: str, verb: str) -> Motion:
    motion = _locked(motion)
    if motion.status not in (Status.DRAFT, Status.OPEN, Status.TABLED) or motion.status == status:
        raise WrongMotionState(
            f"The motion is {motion.get_status_display().lower()}; it cannot be {verb}."
        )
    motion.status = status
    motion.save(update_fields=["status"])
    _recorded(motion, actor=actor, action=action, summary=f"{verb.capitalize()} {_short(motion)}")
    return motion


@transaction.atomic
def motion_withdraw(*, motion: Motion, actor) -> Motion:
    """The proposer withdraws it: no outcome, the votes already cast stay on record."""
    return _set_aside(
        motion, status=Status.WITHDRAWN, actor=actor, action="motion.withdraw", verb="withdrawn"
    )


@transaction.atomic
def motion_table(*, motion: Motion, actor) -> Motion:
    """Put it aside for later: no votes while tabled; opening it again continues."""
    return _set_aside(
        motion, status=Status.TABLED, actor=actor, action="motion.table", verb="tabled"
    )


# -- Voting ----------------------------------------------------------------------------------


def vote_cast(
    *,
    motion: Motion,
    person,
    choice: str,
    dissent: bool = False,
    at: dt.datetime | None = None,
    unit_key: str | None = None,
) -> Vote:
    """Record `person`'s vote for their unit, replacing the unit's earlier vote (kept as history).

    A ballot that every unit has now voted on closes itself.
    """
    vote = _vote_cast(
        motion=motion, person=person, choice=choice, dissent=dissent, at=at, unit_key=unit_key
    )
    if motion.method == Method.BALLOT:
        ballot_close_if_complete(motion=motion)
    return vote


@transaction.atomic
def _vote_cast(
    *, motion: Motion, person, choice: str, dissent: bool, at, unit_key: str | None = None
) -> Vote:
    if choice not in Choice.values:
        raise InvalidMotion("Choose for, against or abstain.")
    if dissent and choice != Choice.AGAINST:
        raise InvalidMotion("Only a vote against can ask that the dissent be minuted.")
    now = _now(at)
    if motion.status != Status.OPEN:
        # Perhaps read before it opened. An open one is not read again: whether it is still
        # open is decided when the vote takes its lock (`vote_store.claim_unit`).
        motion = _as_stored(motion)
    _require_open_for_votes(motion, now)
    unit, held = units_of_voter(motion, person, at, unit_key=unit_key)
    vote = _store_vote(
        motion, unit, person, choice, dissent=dissent, now=now, actor=person, while_open=True
    )
    # What the voter's answer shows, as this vote found it: no need to read it all again.
    vote.motion, vote.unit, vote.units_held = motion, unit, held
    return vote


def _require_open_for_votes(motion: Motion, now: dt.datetime) -> None:
    if motion.status != Status.OPEN:
        raise MotionClosed(_not_open_message(motion))
    if motion.is_past_deadline(now):
        raise MotionClosed(f"Voting closed at the deadline, {when(motion.closes_at)}.")
    if motion.method not in (Method.LIVE, Method.BALLOT):
        raise MotionClosed("The chair records this decision; members do not vote on it here.")


def _not_open_message(motion: Motion) -> str:
    if motion.status == Status.CLOSED:
        return f"Voting has closed: the motion {motion.get_outcome_display().lower()}."
    if motion.status == Status.DRAFT:
        return "The motion is not open for votes yet."
    return f"The motion was {motion.get_status_display().lower()}; it takes no votes."


def _store_vote(
    motion: Motion,
    unit: Unit,
    person,
    choice: str,
    *,
    dissent: bool,
    now,
    actor,
    while_open: bool = False,
) -> Vote:
    """Store the unit's vote, cast by `person`. `while_open`: a member's vote, stored only
    while the motion is open (checked under the motion's shared lock); without it the caller
    holds the motion's exclusive lock (a roll call the chair records)."""
    row = Participation(
        motion=motion,
        unit_key=unit.key,
        unit_label=unit.label,
        organisation_id=unit.organisation_id,
        person_id=unit.person_id,
        cast_by=person,
        cast_at=now,
    )
    # The unit's row: its voters queue here, other units' voters do not.
    claimed = vote_store.claim_unit(
        motion, row, open_at=now if while_open else None, only_by_caster=motion.is_ballot
    )
    if claimed is None:
        _refuse_unclaimed(motion, unit, now)
    stored_key = secret_unit_key(motion, unit.key) if motion.secret else unit.key
    if motion.secret:
        vote = Vote(motion=motion, unit_key=stored_key, choice=choice)
    else:
        vote = Vote(
            motion=motion,
            unit_key=stored_key,
            organisation_id=unit.organisation_id,
            person_id=unit.person_id,
            cast_by=person,
            choice=choice,
            dissent_minuted=dissent,
            cast_at=now,
        )
    changed = vote_store.add_current_vote(vote)
    verb = "changed its vote" if changed else "voted"
    if motion.secret:
        summary = f"{unit.label} {verb} on {_short(motion)} (secret ballot)"
        data = {"unit": unit.label, "secret": True}
    else:
        summary = f"{unit.label} {verb} on {_short(motion)}: {Choice(choice).label.lower()}"
        data = {"unit": unit.label, "choice": choice, "dissent_minuted": dissent}
    # Not `_recorded`: bumping the meeting's live version would make every voter queue on the
    # meeting row. Pages follow an open motion's count by polling the motion itself.
    audit.record(
        board=motion.board,
        actor=actor,
        action="vote.cast",
        target=motion,
        summary=summary,
        data=data,
    )
    return vote


def _refuse_unclaimed(motion: Motion, unit: Unit, now: dt.datetime) -> None:
    """Why the unit's row was not taken: the motion closed meanwhile, or (a ballot) someone
    else cast the unit's vote. Read only when refused."""
    _require_open_for_votes(_as_stored(motion), now)
    participation = Participation.objects.select_related("cast_by").get(
        motion=motion, unit_key=unit.key
    )
    raise NotEntitled(
        f"{unit.label}'s vote was already cast by {participation.cast_by}; only they can change it."
    )


# -- Closing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    votes_for: int
    against: int
    abstain: int
    voted_keys: frozenset[str]


def _live_tally(motion: Motion) -> Tally:
    counts = dict.fromkeys(Choice.values, 0)
    for choice in Vote.objects.filter(motion=motion, is_current=True).values_list(
        "choice", flat=True
    ):
        counts[choice] += 1
    voted = frozenset(
        Participation.objects.filter(motion=motion).values_list("unit_key", flat=True)
    )
    return Tally(counts[Choice.FOR], counts[Choice.AGAINST], counts[Choice.ABSTAIN], voted)


def _freeze(
    motion: Motion, *, tally: Tally | None, now: dt.datetime, actor, eligible_override=None
) -> Motion:
    """Decide and write the outcome, the tally and the rule's figures onto the locked motion."""
    units = seated_units_for(motion, day_of(motion, now))
    quorate = None
    if motion.meeting_id:
        quorum = quorum_of(motion.meeting, now)
        motion.quorum_present, motion.quorum_required = quorum.present, quorum.required
        quorate = quorum.is_quorate
    condition = None
    if motion.depends_on_id:
        condition = motion.depends_on.outcome == Outcome.CARRIED
        if motion.depends_on.status in (Status.DRAFT, Status.OPEN, Status.TABLED):
            raise WrongMotionState(
                f"This motion depends on {_short(motion.depends_on)}; decide that one first."
            )
    eligible = len(units) if eligible_override is None else eligible_override
    if tally is None:
        count = Count(eligible=eligible, quorate=quorate, condition_carried=condition)
    else:
        count = Count(
            votes_for=tally.votes_for,
            against=tally.against,
            abstain=tally.abstain,
            eligible=eligible,
            voted=len(tally.voted_keys) if tally.voted_keys else None,
            quorate=quorate,
            condition_carried=condition,
        )
    decision = decide(Rule.of(motion), count)
    motion.status = Status.CLOSED
    motion.outcome = decision.outcome
    motion.opened_at = motion.opened_at or now
    motion.closed_at = now
    motion.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    motion.units_eligible = eligible
    motion.votes_needed = decision.votes_needed
    motion.turnout_needed = decision.turnout_needed
    if tally is not None:
        motion.votes_for, motion.votes_against, motion.votes_abstain = (
            tally.votes_for,
            tally.against,
            tally.abstain,
        )
        motion.units_voted = count.units_voted
        if tally.voted_keys or motion.is_voted or motion.method == Method.ROLL_CALL:
            motion.not_voted = [unit.label for unit in units if unit.key not in tally.voted_keys]
    motion.save()
    return motion


def _after_close(motion: Motion, *, actor, now: dt.datetime, action: str, summary: str) -> None:
    _recorded(
        motion,
        actor=actor,
        action=action,
        summary=summary,
        data={
            "outcome": motion.outcome,
            "for": motion.votes_for,
            "against": motion.votes_against,
            "abstain": motion.votes_abstain,
        },
    )
    for hook in _decided_hooks:
        hook(motion=motion, actor=actor)
    if motion.outcome != Outcome.CARRIED:
        for dependent in Motion.objects.filter(
            depends_on=motion, status__in=(Status.DRAFT, Status.OPEN, Status.TABLED)
        ):
            dependent = _locked(dependent)
            _freeze(dependent, tally=_live_tally(dependent), now=now, actor=actor)
            _after_close(
                dependent,
                actor=actor,
                now=now,
                action="motion.close",
                summary=f"Closed {_short(dependent)}: moot, as {_short(motion)} did not carry",
            )


def _close_summary(motion: Motion) -> str:
    text = f"Closed {_short(motion)}: {motion.get_outcome_display().lower()}"
    if motion.has_tally:
        text += f" ({motion.votes_for}–{motion.votes_against}–{motion.votes_abstain})"
    return text


@transaction.atomic
def motion_close(*, motion: Motion, actor, at: dt.datetime | None = None) -> Motion:
    """Close a live vote or a ballot: lock, count, decide and freeze, in one transaction."""
    motion = _locked(motion)
    now = _now(at)
    if motion.status != Status.OPEN:
        raise WrongMotionState(_not_open_message(motion))
    if motion.meeting_id and motion.meeting.is_adjourned:
        # Left open when the meeting ended: it closes as the meeting did.
        now = min(now, motion.meeting.adjourned_at)
    if motion.closes_at and now > motion.closes_at:
        # Closed late (by the scheduler, or on access): it closed at its deadline.
        now = motion.closes_at
    _freeze(motion, tally=_live_tally(motion), now=now, actor=actor)
    _after_close(
        motion, actor=actor, now=now, action="motion.close", summary=_close_summary(motion)
    )
    return motion


def ballot_close_if_complete(*, motion: Motion, actor=None) -> Motion | None:
    """Close an open ballot once every seated unit has voted; None if it stays open."""
    with transaction.atomic():
        locked = _locked(motion)
        if locked.status != Status.OPEN or locked.method != Method.BALLOT:
            return None
        units = {unit.key for unit in seated_units_for(locked, day_of(locked))}
        voted = set(Participation.objects.filter(motion=locked).values_list("unit_key", flat=True))
        if not units or not units <= voted:
            return None
        _freeze(locked, tally=_live_tally(locked), now=timezone.now(), actor=actor)
        _after_close(
            locked,
            actor=actor,
            now=locked.closed_at,
            action="motion.close",
            summary=_close_summary(locked) + ", every unit having voted",
        )
        return locked


def _due_on_board(board_id: int, now: dt.datetime):
    return Motion.objects.due(now).filter(board_id=board_id).only("pk")


# Every page that lists motions asks it first: compiled once per process.
_due_of_board = CompiledQuery(
    _due_on_board,
    board_id=2_000_000_901,
    now=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
)


def ballots_close_due(
    *, board: Board | None = None, now: dt.datetime | None = None
) -> list[Motion]:
    """Close every open motion past its deadline (the scheduler's command; pages on access)."""
    now = _now(now)
    if board is not None:
        due = _due_of_board.results(board_id=board.pk, now=now)
    else:
        due = Motion.objects.due(now).only("pk")
    closed = []
    for motion in due:
        try:
            closed.append(motion_close(motion=motion, actor=None, at=now))
        except WrongMotionState:
            continue  # closed meanwhile by someone else
    return closed


# -- Decisions the chair records -------------------------------------------------------------


@transaction.atomic
def motion_record(
    *,
    motion: Motion,
    actor,
    counts: tuple[int, int, int] | None = None,
    roll_call: Mapping[str, str] | None = None,
    dissenters: frozenset[str] = frozenset(),
    at: dt.datetime | None = None,
) -> Motion:
    """Record a decision taken in the meeting: without objection (no tally), by counts
    (for, against, abstain), or by roll call (a choice per voting unit present)."""
    motion = _locked(motion)
    now = _now(at)
    if motion.status not in (Status.DRAFT, Status.OPEN, Status.TABLED):
        raise WrongMotionState(_not_open_message(motion))
    if motion.method not in RECORDED_METHODS:
        raise WrongMotionState("Members vote on this motion themselves; close it to decide it.")
    _require_meeting_in_progress(motion)
    holders = vote_holders_at(motion.meeting, now)
    if motion.method == Method.WITHOUT_OBJECTION:
        _freeze(motion, tally=None, now=now, actor=actor)
    elif motion.method == Method.COUNTS:
        if counts is None or len(counts) != 3:
            raise InvalidMotion("Give the votes for, against and abstaining.")
        if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in counts):
            raise InvalidMotion("Each count is a whole number, zero or more.")
        if sum(counts) > len(holders):
            raise InvalidMotion(
                f"{sum(counts)} votes were counted, but only {len(holders)} voting "
                f"{motion.board.unit_noun(len(holders))} are present."
            )
        tally = Tally(counts[0], counts[1], counts[2], frozenset())
        _freeze(motion, tally=tally, now=now, actor=actor)
    else:
        choices = dict(roll_call or {})
        unknown = set(choices) - set(holders)
        if unknown:
            raise InvalidMotion("A roll call takes one choice per voting unit present.")
        if any(choice not in Choice.values for choice in choices.values()):
            raise InvalidMotion("Choose for, against or abstain for each unit.")
        if not choices:
            raise InvalidMotion("Record at least one unit's vote in the roll call.")
        for key, choice in sorted(choices.items()):
            holder = holders[key]
            unit = Unit(
                key=key,
                label=holder.unit_label,
                organisation_id=holder.organisation.pk if holder.organisation else None,
                person_id=holder.unit_person_id,
            )
            _store_vote(
                motion,
                unit,
                holder.person,
                choice,
                dissent=key in dissenters and choice == Choice.AGAINST,
                now=now,
                actor=actor,
            )
        _freeze(motion, tally=_live_tally(motion), now=now, actor=actor)
    _after_close(
        motion, actor=actor, now=now, action="motion.record", summary=_close_summary(motion)
    )
    return motion


# -- Ballots ---------------------------------------------------------------------------------


@transaction.atomic
def motion_to_ballot(*, motion: Motion, actor, closes_at: dt.datetime) -> Motion:
    """Put a motion the meeting could not decide (no quorum) to the members by ballot, in one
    step: a new open ballot with the same text and rule, replacing the inquorate one."""
    motion = _locked(motion)
    now = timezone.now()
    if not (motion.status == Status.CLOSED and motion.outcome == Outcome.NO_QUORUM):
        raise WrongMotionState(
            "Only a motion that failed for lack of quorum is put to a ballot this way."
        )
    if motion.replaced_by.filter(method=Method.BALLOT).exists():
        raise WrongMotionState("This motion has already been put to a ballot.")
    if closes_at is None or closes_at <= now:
        raise InvalidMotion("The ballot's deadline must be in the future.")
    ballot = motion_create(
        board=motion.board,
        actor=actor,
        details=MotionDetails(
            text=motion.text,
            method=Method.BALLOT,
            threshold=motion.threshold,
            fixed_count=motion.fixed_count,
            turnout=motion.turnout,
            one_objection_blocks=motion.one_objection_blocks,
            abstentions=motion.abstentions,
            proposer=motion.proposer,
            seconder=motion.seconder,
            closes_at=closes_at,
            depends_on=motion.depends_on,
            amends=motion.amends,
            replaces=motion,
        ),
    )
    _meeting_changed(motion)
    return motion_open(motion=ballot, actor=actor, at=now, closes_at=closes_at)


# -- Corrections -----------------------------------------------------------------------------

CORRECTABLE = ("text", "proposer_id", "seconder_id")


@transaction.atomic
def motion_correct(*, motion: Motion, actor, reason: str, text: str | None = None) -> Motion:
    """Change a closed motion's record: only its wording, with a stated reason, before and after
    kept as a row. The tally and the outcome are what happened and are not edited."""
    motion = _locked(motion)
    if motion.status != Status.CLOSED:
        raise WrongMotionState("Only a closed motion is corrected; edit a draft directly.")
    if not reason.strip():
        raise InvalidMotion("Say why the record is corrected.")
    if refusal := text_refusal(reason.strip(), limit=REASON_MAX, noun="the reason"):
        raise InvalidMotion(refusal)
    if text is None or not text.strip() or text.strip() == motion.text:
        raise InvalidMotion("Give the corrected wording.")
    if refusal := text_refusal(text.strip(), limit=TEXT_MAX, noun="the corrected wording"):
        raise InvalidMotion(refusal)
    before = {"text": motion.text}
    motion.text = text.strip()
    motion.save(update_fields=["text"])
    MotionCorrection.objects.create(
        motion=motion,
        reason=reason.strip(),
        before=before,
        after={"text": motion.text},
        corrected_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _recorded(
        motion,
        actor=actor,
        action="motion.correct",
        summary=f"Corrected {_short(motion)}: {reason}",
    )
    return motion
