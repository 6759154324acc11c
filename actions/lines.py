"""Reading "Action Lars: send the report next week" as the minutes write it.

The owners before the colon are matched as speakers are (`meetings.services.match_speaker`):
first among the people present, then among everyone seated on the meeting date. "All" is the
whole board. A trailing "(due 12 Jun)" sets the due date. A name that matches nobody is refused
with a message; one that matches several asks the recorder to choose.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from actions.errors import ActionRefused, UnknownOwner
from governance.models import User
from meetings.models import Meeting
from meetings.registry import LineChoiceNeeded
from meetings.services import match_speaker

# "Action Lars: ...", "Action Sarah, Michelle:: ...", "Action All: ..."; not "Action items were
# discussed" (no colon) nor a URL's "http://".
ACTION_LINE = re.compile(
    r"^\s*action\s+(?P<owners>[^\W\d_][^:\n]{0,150}?)\s*:+(?!//)\s*(?P<text>.*)\Z",
    re.IGNORECASE | re.DOTALL,
)
OWNER_SEPARATORS = re.compile(r"\s*(?:,|&|/|\+|\band\b)\s*", re.IGNORECASE)
NAME = re.compile(r"^[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,2}$")
DUE = re.compile(r"\s*[(\[]\s*due\s*:?\s*(?P<date>[^)\]]*?)\s*[)\]]\s*$", re.IGNORECASE)
EVERYONE = {"all", "everyone", "everybody", "all members", "the board", "board"}
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d/%m/%Y"]
DATE_FORMATS_NO_YEAR = ["%d %B", "%d %b", "%B %d", "%b %d"]


@dataclass(frozen=True)
class ActionLine:
    owner_hints: tuple[str, ...]
    for_all: bool
    description: str
    due_on: dt.date | None


def split_action_line(text: str, *, on: dt.date) -> ActionLine | None:
    """The parts of an action line, or None when the line is not one (it is then a note)."""
    match = ACTION_LINE.match(text)
    if match is None:
        return None
    hints = tuple(part for part in OWNER_SEPARATORS.split(match["owners"].strip()) if part)
    if not hints or not all(NAME.match(hint) for hint in hints):
        return None
    description = match["text"].strip()
    due_on = None
    due = DUE.search(description)
    if due is not None:
        due_on = parse_due(due["date"], on=on)
        description = description[: due.start()].rstrip()
    if not description:
        raise ActionRefused("Write what is to be done after the colon.")
    folded = {hint.casefold() for hint in hints}
    for_all = bool(folded & EVERYONE)
    if for_all and len(hints) > 1:
        raise ActionRefused("“All” is the whole board; name people or All, not both.")
    return ActionLine(
        owner_hints=() if for_all else hints,
        for_all=for_all,
        description=description,
        due_on=due_on,
    )


def parse_due(text: str, *, on: dt.date) -> dt.date:
    """'2014-06-12', '12 June 2014', '12 Jun' (the next such day from `on`)."""
    cleaned = " ".join(text.replace(",", " ").split())
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    for pattern in DATE_FORMATS_NO_YEAR:
        try:
            parsed = dt.datetime.strptime(f"{cleaned} {on.year}", f"{pattern} %Y").date()  # noqa: DTZ007
        except ValueError:
            continue
        return parsed if parsed >= on else parsed.replace(year=on.year + 1)
    raise ActionRefused(
        f"“{text.strip() or '(empty)'}” is not a due date I can read; write it as 12 Jun or "
        "2014-06-12, or leave the due date out."
    )


@dataclass(frozen=True)
class Candidate:
    name: str
    person: User
    label: str


def _fold(hint: str) -> str:
    return " ".join(hint.casefold().split())


def resolve_owners(
    hints: tuple[str, ...],
    *,
    meeting: Meeting,
    seated: list[User],
    present: list[User],
    resolutions: tuple[str, ...],
) -> list[User]:
    """The person each hint names: among those present first, then anyone seated.

    A hint chosen earlier comes back in `resolutions` as "owner:<hint>=<person id>".
    """
    chosen: dict[str, str] = {}
    for value in resolutions:
        if value.startswith("owner:") and "=" in value:
            hint, _, person_id = value[len("owner:") :].rpartition("=")
            chosen[_fold(hint)] = person_id
    here = [Candidate(p.full_name, p, f"{p.full_name} (present)") for p in present]
    present_ids = {p.pk for p in present}
    everyone = here + [
        Candidate(p.full_name, p, p.full_name) for p in seated if p.pk not in present_ids
    ]
    owners: list[User] = []
    for hint in hints:
        pick = chosen.get(_fold(hint))
        if pick is not None:
            found = [c for c in everyone if str(c.person.pk) == pick]
            if found:
                owners.append(found[0].person)
                continue
        matches = match_speaker(hint, here) or match_speaker(hint, everyone)
        if not matches:
            raise UnknownOwner(
                f"Nobody on the board answers to “{hint}”. Write the owner's name as the roll "
                "call shows it, or save the line as a plain note."
            )
        if len(matches) > 1:
            matches.sort(key=lambda c: c.name)
            raise LineChoiceNeeded(
                f"“{hint}” could be {', '.join(c.name for c in matches)}. Who owns the action?",
                choices=[(f"owner:{_fold(hint)}={c.person.pk}", c.label) for c in matches],
            )
        owners.append(matches[0].person)
    return owners
