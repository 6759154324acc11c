"""What can go wrong with minutes, each said so a person can act on it."""

from governance.exceptions import DomainError


class MinutesError(DomainError):
    pass


class MinutesNotAllowed(MinutesError):
    """The person's role does not allow this step (the page answers 403)."""


class BadTransition(MinutesError):
    pass


class InvalidRevision(MinutesError):
    pass
