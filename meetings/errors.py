"""What can go wrong when recording a meeting, each said so a person can act on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from governance.exceptions import DomainError

if TYPE_CHECKING:
    from meetings.models import Attendance


class MeetingNotOpen(DomainError):
    pass


class MeetingAlreadyAdjourned(DomainError):
    pass


RECORD_CLOSED = (
    "The meeting is adjourned: its record is closed and changes only by a correction "
    "(“Correct the record”, by the chair or a secretary, with a reason)."
)


class RecordClosed(MeetingAlreadyAdjourned, MeetingNotOpen):
    """A change to an adjourned meeting's record other than a stated correction."""

    def __init__(self, message: str = RECORD_CLOSED):
        super().__init__(message)


class NotSeated(DomainError):
    pass


class PresenceRefused(NotSeated):
    """A departure or a return that cannot be recorded as asked (not here, a time outside the
    meeting, before the last departure)."""


class EmptyNote(DomainError):
    pass


class SpeakerUnknown(DomainError):
    """No present attendee answers to the name at the start of a note."""

    def __init__(self, message: str, *, hint: str):
        super().__init__(message)
        self.hint = hint


class SpeakerAmbiguous(DomainError):
    """Several present attendees answer to the name: the recorder must choose."""

    def __init__(self, message: str, *, hint: str, candidates: list[Attendance]):
        super().__init__(message)
        self.hint = hint
        self.candidates = candidates


class StaleSummary(DomainError):
    """Someone saved the summary after this writer loaded it."""

    def __init__(self, message: str, *, current_text: str, current_version: int):
        super().__init__(message)
        self.current_text = current_text
        self.current_version = current_version


class InvalidAgendaChange(DomainError):
    pass


class InvalidSchedule(DomainError):
    """A meeting cannot be scheduled as asked (no start, a clash, an end before the start)."""


class StartNeedsConfirmation(DomainError):
    """Starting so far from the scheduled time needs the chair to say it is meant."""


class ApologiesRefused(DomainError):
    pass


class CorrectionRefused(DomainError):
    """A correction that cannot be made as asked (no reason, nothing changes, not allowed)."""


class ProxyRefused(DomainError):
    """A proxy that cannot be named or withdrawn as asked (the board's rules, the grantor's seat,
    the holder's limit, a closed record)."""
