"""Records of other apps that a motion decides, shown on the motion's page.

`motions/` imports no app built on it; an app whose records a motion decides (budget's spending
requests) registers a function here in its `AppConfig.ready()` that names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Related:
    label: str
    url: str
    note: str = ""


RelatedLoader = Callable[[object], list[Related]]
_loaders: dict[str, RelatedLoader] = {}


def register(name: str) -> Callable[[RelatedLoader], RelatedLoader]:
    def decorator(function: RelatedLoader) -> RelatedLoader:
        _loaders[name] = function
        return function

    return decorator


def related_to(motion) -> list[Related]:
    """What the motion decides elsewhere, one query per registered app."""
    found: list[Related] = []
    for name in sorted(_loaders):
        found.extend(_loaders[name](motion))
    return found
