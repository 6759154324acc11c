"""Reads that several pages share: a motion as its page shows it, what awaits a member's vote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone

from governance.compiled import CompiledQuery
from governance.models import Board, Standing
from meetings.models import MeetingStatus
from meetings.queries import vote_holders_around, vote_holders_at
from motions.errors import NotEntitled
from motions.models import Choice, Method, Motion, Outcome, Participation, Status, Threshold, Vote
from motions.units import Unit, seated_units_for, unit_of_voter


def motions_of(board: Board):
    return Motion.objects.of_board(board).select_related(
        "board", "meeting", "meeting__board", "item", "proposer", "seconder"
    )


def _open_concerning(board_id: int, now: dt.datetime):
    """The open motions the dashboard's card concerns (ballots, live votes of a meeting in
    progress), and any open one past its deadline, to be closed first."""
    concern = Q(method=Method.BALLOT) | Q(meeting__status=MeetingStatus.IN_PROGRESS)
    return (
        motions_of(Board(pk=board_id))
        .filter(status=Status.OPEN)
        .filter(concern | Q(closes_at__lte=now))
        .order_by("closes_at", "opened_at", "pk")
    )


open_concerning = CompiledQuery(
    _open_concerning,
    board_id=2_000_000_201,
    now=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
)


def _undecided(board_id: int):
    return (
        motions_of(Board(pk=board_id)).exclude(status=Status.CLOSED).order_by("-created_at", "-pk")
    )


# The motions page reads what is not decided whole, on every view: compiled once per process.
undecided_of = CompiledQuery(_undecided, board_id=2_000_000_203)


DECIDED_PER_PAGE = 25


def decided_page(board: Board, page: str | int | None) -> Page:
    """One page of the board's decisions, newest first. The page's ids are chosen on the motion
    table alone and the rows joined after, so the database sorts a thousand narrow rows, not a
    thousand joined ones; a page that is not one shows the nearest."""
    decided = Motion.objects.of_board(board).filter(status=Status.CLOSED)
    shown = Paginator(
        decided.order_by("-created_at", "-pk").values("pk"), DECIDED_PER_PAGE
    ).get_page(page)
    shown.object_list = list(
        decided.filter(pk__in=shown.object_list)
        .select_related("board", "meeting")
        .order_by("-created_at", "-pk")
    )
    return shown


@dataclass(frozen=True)
class Progress:
    """How far voting has gone: counts of units, never who chose what."""

    voted: int
    eligible: int

    @property
    def waiting(self) -> int:
        return max(0, self.eligible - self.voted)


def progress_of(motion: Motion, *, on: dt.date | None = None) -> Progress:
    if motion.is_closed and motion.units_voted is not None:
        return Progress(voted=motion.units_voted, eligible=motion.units_eligible or 0)
    voted = Participation.objects.filter(motion=motion).count()
    if motion.meeting_id and motion.is_open:
        eligible = len(vote_holders_at(motion.meeting))
    else:
        day = on or (motion.meeting.date if motion.meeting_id else timezone.localdate())
        eligible = len(seated_units_for(motion, day))
    return Progress(voted=voted, eligible=max(eligible, voted))


@dataclass
class MyVote:
    """What the page tells one viewer about their own vote."""

    unit: Unit | None = None
    refusal: str = ""
    current: str = ""
    cast_by_other: str = ""
    dissent: bool = False

    @property
    def may_vote(self) -> bool:
        return self.unit is not None and not self.cast_by_other

    @property
    def current_label(self) -> str:
        return Choice(self.current).label if self.current else ""


def my_vote_on(motion: Motion, user) -> MyVote:
    """Whether `user` may vote on the open `motion` now, for which unit, and what is on record.

    On a secret motion the unit's current choice is not shown back (it cannot be read)."""
    if not motion.is_open:
        return MyVote()
    try:
        unit = unit_of_voter(motion, user)
    except NotEntitled as refusal:
        return MyVote(refusal=refusal.message)
    mine = MyVote(unit=unit)
    participation = (
        Participation.objects.filter(motion=motion, unit_key=unit.key)
        .select_related("cast_by")
        .first()
    )
    if participation is None:
        return mine
    if motion.is_ballot and participation.cast_by_id != user.pk:
        mine.cast_by_other = participation.cast_by.full_name if participation.cast_by else "?"
        return mine
    mine.current = "cast"
    if not motion.secret:
        vote = (
            Vote.objects.filter(motion=motion, unit_key=unit.key, is_current=True)
            .only("choice", "dissent_minuted")
            .first()
        )
        if vote:
            mine.current, mine.dissent = vote.choice, vote.dissent_minuted
    return mine


@dataclass
class Awaiting:
    motion: Motion
    unit_label: str


def awaiting_vote_of(user, board: Board, standing: Standing | None = None) -> list[Awaiting]:
    """Open ballots (and live votes of a meeting in progress) whose unit `user` may vote for
    and that the unit has not voted on yet. A fixed number of queries whatever the board's size
    (one fewer when the caller passes the `standing` it has read: a ballot reads no seats).
    """
    from motions.services import ballots_close_due

    # One query for the open motions that concern the card, and those past their deadline (any
    # kind), which are closed first, as every page that lists motions does; only then is it
    # asked again.
    now = timezone.now()
    concern = Q(method=Method.BALLOT) | Q(meeting__status=MeetingStatus.IN_PROGRESS)
    open_motions = open_concerning.results(board_id=board.pk, now=now)
    if any(motion.is_past_deadline(now) for motion in open_motions):
        ballots_close_due(board=board, now=now)
        open_motions = list(
            motions_of(board)
            .filter(status=Status.OPEN)
            .filter(concern)
            .order_by("closes_at", "opened_at", "pk")
        )
    if not open_motions:
        return []
    entitled: list[tuple[Motion, Unit]] = []
    ballot_unit: Unit | None | bool = False
    holders_by_meeting: dict[int, dict] = {}
    for motion in open_motions:
        if motion.is_ballot:
            if ballot_unit is False:
                try:
                    ballot_unit = unit_of_voter(motion, user, standing=standing)
                except NotEntitled:
                    ballot_unit = None
            if ballot_unit:
                entitled.append((motion, ballot_unit))
            continue
        if motion.meeting_id not in holders_by_meeting:
            # Only the rows that decide what this person holds, however many are present.
            holders_by_meeting[motion.meeting_id] = vote_holders_around(motion.meeting, user)
        for holder in holders_by_meeting[motion.meeting_id].values():
            if holder.person_id == user.pk:
                entitled.append((motion, Unit(key=holder.unit_key, label=holder.unit_label)))
    if not entitled:
        return []
    done = set(
        Participation.objects.filter(
            motion__in=[motion for motion, _ in entitled],
            unit_key__in={unit.key for _, unit in entitled},
        ).values_list("motion_id", "unit_key")
    )
    return [
        Awaiting(motion=motion, unit_label=unit.label)
        for motion, unit in entitled
        if (motion.pk, unit.key) not in done
    ]


@dataclass
class VoteLine:
    unit_label: str
    cast_by: str
    choice: str
    dissent: bool


@dataclass
class MotionRecord:
    motion: Motion
    progress: Progress
    votes: list[VoteLine] = field(default_factory=list)
    history: int = 0


def named_votes(motion: Motion) -> list[VoteLine]:
    """Each unit's current vote with who cast it; empty for a secret motion."""
    if motion.secret:
        return []
    votes = (
        Vote.objects.filter(motion=motion, is_current=True)
        .select_related("organisation", "person", "cast_by")
        .order_by("organisation__name", "person__full_name")
    )
    return [
        VoteLine(
            unit_label=(vote.organisation.name if vote.organisation else str(vote.person or "")),
            cast_by=vote.cast_by.full_name if vote.cast_by else "",
            choice=vote.get_choice_display(),
            dissent=vote.dissent_minuted,
        )
        for vote in votes
    ]


def changed_votes(motion: Motion) -> int:
    """How many times a unit changed its vote before the close."""
    return Vote.objects.filter(motion=motion, is_current=False).count()


def threshold_words(motion: Motion) -> str:
    """The rule in plain words, as the page and the record state it."""
    noun = motion.board.unit_noun(2)
    words = {
        Threshold.MAJORITY: "more votes for than against",
        Threshold.TWO_THIRDS: "at least two thirds of the votes cast in favour",
        Threshold.UNANIMOUS: "every vote cast in favour",
        Threshold.MAJORITY_OF_SEATED: f"votes for from more than half of all seated voting {noun}",
        Threshold.FIXED: f"at least {motion.fixed_count} votes in favour",
    }[Threshold(motion.threshold)]
    if motion.threshold in (Threshold.MAJORITY, Threshold.TWO_THIRDS, Threshold.UNANIMOUS):
        words += (
            "; abstentions count as votes cast"
            if motion.abstentions == "cast"
            else "; abstentions are not votes cast"
        )
    return words.capitalize()


def turnout_words(motion: Motion) -> str:
    if motion.turnout is None:
        return "No turnout requirement"
    share = motion.turnout.normalize()
    text = {"0.5": "half", "1": "all"}.get(str(share), f"{share:%}".replace(".000%", "%"))
    return f"At least {text} of the voting {motion.board.unit_noun(2)} must vote"


def open_counts(motions: list[Motion]) -> dict[int, int]:
    """{motion id: units voted so far} for open motions, in one query."""
    rows = (
        Participation.objects.filter(motion__in=[m for m in motions if m.is_open])
        .values("motion_id")
        .annotate(n=Count("id"))
    )
    return {row["motion_id"]: row["n"] for row in rows}


def voted_units(motion: Motion) -> list[str]:
    """The units that have voted so far, by name (never what they chose)."""
    return list(
        Participation.objects.filter(motion=motion)
        .order_by("unit_label")
        .values_list("unit_label", flat=True)
    )


def outcome_words(motion: Motion) -> str:
    """The decision in one plain sentence, as the record gives it."""
    if not motion.is_closed:
        return ""
    noun = motion.board.unit_noun
    outcome = Outcome(motion.outcome)
    if outcome == Outcome.MOOT:
        condition = motion.depends_on.title if motion.depends_on_id else "the motion it depended on"
        return f"Moot: it depended on “{condition}”, which did not carry."
    if outcome == Outcome.NO_QUORUM:
        return (
            f"No quorum when it closed: {motion.quorum_present} voting "
            f"{noun(motion.quorum_present or 0)} present, {motion.quorum_required} required. "
            "The meeting could not decide it."
        )
    if motion.method == Method.WITHOUT_OBJECTION:
        return "Carried without objection; no vote was counted."
    tally = (
        f"{motion.votes_for} for, {motion.votes_against} against, {motion.votes_abstain} abstaining"
    )
    if outcome == Outcome.FAILED_ON_TURNOUT:
        return (
            f"Failed on turnout: {motion.units_voted} of {motion.units_eligible} voting "
            f"{noun(motion.units_eligible or 0)} voted; {motion.turnout_needed} had to. ({tally})"
        )
    if outcome == Outcome.BLOCKED:
        return f"Blocked: on this motion one objection blocks it. ({tally})"
    needed = ""
    if motion.votes_needed:
        verb = "was" if motion.votes_needed == 1 else "were"
        needed = f"{motion.votes_needed} in favour {verb} needed"
    if outcome == Outcome.TIED:
        return f"Tied: {tally}; {needed}, so it did not carry."
    verdict = "Carried" if outcome == Outcome.CARRIED else "Failed"
    return f"{verdict}: {tally}; {needed}."
