"""The outcome of a motion from its rule and its count: one pure function, no database.

`decide(rule, count)` is the whole of "did it carry?". The checks run in the order a chair would
give them: a motion whose condition failed is moot; a meeting without quorum decides nothing;
a ballot short of its turnout fails on turnout; under consensus one objection blocks; then the
threshold, where an even split is "tied".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from motions.models import Abstentions, Method, Outcome, Threshold


@dataclass(frozen=True)
class Rule:
    """What a motion needs, as stated on it."""

    threshold: str = Threshold.MAJORITY
    fixed_count: int | None = None
    turnout: Decimal | None = None
    one_objection_blocks: bool = False
    abstentions: str = Abstentions.NOT_CAST
    method: str = Method.LIVE

    @classmethod
    def of(cls, motion) -> Rule:
        return cls(
            threshold=motion.threshold,
            fixed_count=motion.fixed_count,
            turnout=motion.turnout,
            one_objection_blocks=motion.one_objection_blocks,
            abstentions=motion.abstentions,
            method=motion.method,
        )


@dataclass(frozen=True)
class Count:
    """What happened: the votes, how many units could vote, and the circumstances.

    `eligible` is the voting units seated (the base of turnout and of "majority of all seated");
    `voted` the units that took part (for, against or abstain) and defaults to their sum;
    `quorate` is None where no meeting quorum applies (a ballot); `condition_carried` is None
    when the motion depends on no other, else whether that other motion carried.
    """

    votes_for: int = 0
    against: int = 0
    abstain: int = 0
    eligible: int = 0
    voted: int | None = None
    quorate: bool | None = None
    condition_carried: bool | None = None

    @property
    def units_voted(self) -> int:
        if self.voted is not None:
            return self.voted
        return self.votes_for + self.against + self.abstain


@dataclass(frozen=True)
class Decision:
    outcome: str
    votes_needed: int | None
    turnout_needed: int | None
    cast: int


def votes_cast(rule: Rule, count: Count) -> int:
    """The votes the threshold is a share of: for and against, with abstentions if they count."""
    cast = count.votes_for + count.against
    if rule.abstentions == Abstentions.CAST:
        cast += count.abstain
    return cast


def votes_needed(rule: Rule, count: Count) -> int:
    """Votes in favour needed to carry, given the votes cast (at least one)."""
    cast = votes_cast(rule, count)
    if rule.threshold == Threshold.MAJORITY:
        return cast // 2 + 1
    if rule.threshold == Threshold.TWO_THIRDS:
        return max(1, math.ceil(Decimal(2 * cast) / 3))
    if rule.threshold == Threshold.UNANIMOUS:
        return max(1, cast)
    if rule.threshold == Threshold.MAJORITY_OF_SEATED:
        return count.eligible // 2 + 1
    if rule.threshold == Threshold.FIXED:
        if not rule.fixed_count or rule.fixed_count < 1:
            raise ValueError("A fixed-number rule needs the number of votes in favour.")
        return rule.fixed_count
    raise ValueError(f"Unknown threshold {rule.threshold!r}")


def turnout_needed(rule: Rule, count: Count) -> int | None:
    if rule.turnout is None:
        return None
    return max(1, math.ceil(rule.turnout * count.eligible))


def decide(rule: Rule, count: Count) -> Decision:
    cast = votes_cast(rule, count)
    needed_turnout = turnout_needed(rule, count)

    def decision(outcome: str, needed: int | None = None) -> Decision:
        return Decision(
            outcome=outcome, votes_needed=needed, turnout_needed=needed_turnout, cast=cast
        )

    if count.condition_carried is False:
        return decision(Outcome.MOOT)
    if count.quorate is False:
        return decision(Outcome.NO_QUORUM)
    if rule.method == Method.WITHOUT_OBJECTION:
        return decision(Outcome.CARRIED)
    if needed_turnout is not None and count.units_voted < needed_turnout:
        return decision(Outcome.FAILED_ON_TURNOUT)
    if rule.one_objection_blocks and count.against > 0:
        return decision(Outcome.BLOCKED)
    needed = votes_needed(rule, count)
    unanimous_broken = rule.threshold == Threshold.UNANIMOUS and count.against > 0
    if count.votes_for >= needed and count.votes_for > 0 and not unanimous_broken:
        return decision(Outcome.CARRIED, needed)
    if (
        rule.threshold in (Threshold.MAJORITY, Threshold.MAJORITY_OF_SEATED)
        and count.votes_for == count.against
        and count.votes_for > 0
    ):
        return decision(Outcome.TIED, needed)
    return decision(Outcome.FAILED, needed)
