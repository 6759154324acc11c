"""The one base for every refusal a board rule makes, so views handle refusals one way."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the board refused the change; `message` says why, in the board's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
