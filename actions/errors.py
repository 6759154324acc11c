"""What can go wrong with an action item, each said so a person can act on it."""

from __future__ import annotations

from governance.exceptions import DomainError


class ActionRefused(DomainError):
    """The change was refused; nothing was stored."""


class UnknownOwner(ActionRefused):
    pass


class ActionClosed(ActionRefused):
    """The action was dropped (or its meeting's record is closed) and takes no such change."""


class NothingToUpdate(ActionRefused):
    pass


class NotAllowed(ActionRefused):
    """The person may not make this change (the view answers 403)."""
