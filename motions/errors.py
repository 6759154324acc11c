"""What can go wrong with a motion or a vote, each said so a person can act on it."""

from __future__ import annotations

from governance.exceptions import DomainError


class MotionError(DomainError):
    pass


class NotEntitled(MotionError):
    """The person does not hold a vote on this motion now."""


class MotionClosed(MotionError):
    """The motion is not open for votes (closed, withdrawn, tabled, past its deadline)."""


class WrongMotionState(MotionError):
    pass


class InvalidMotion(MotionError):
    pass
