"""Who spoke: a note's leading "Name:" matched against the attendees present.

Plain functions over attendances already loaded, so the console, the services and other apps'
line parsers (actions' "Action Lars: ...") match names one way.
"""

from __future__ import annotations

import re

from meetings.models import Attendance

# "Don: text" or "Don Dugger: text" (up to three words); a URL's "http://" is not a speaker.
SPEAKER_PREFIX = re.compile(
    r"^\s*(?P<name>[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,2})\s*:+(?!//)\s*(?P<text>.*)\Z",
    re.DOTALL,
)


def split_speaker(text: str) -> tuple[str | None, str]:
    """('Don', 'makes the point') from 'Don: makes the point'; (None, text) without a prefix."""
    match = SPEAKER_PREFIX.match(text)
    if not match:
        return None, text.strip()
    return match["name"], match["text"].strip()


def _folded(value: str) -> str:
    return " ".join(value.casefold().replace(".", " ").split())


def match_speaker(hint: str, attendees: list[Attendance]) -> list[Attendance]:
    """Attendees answering to `hint`, best kind of match first: the full name, then a first
    name, then any one name, then the start of a name."""
    wanted = _folded(hint)
    tiers: list[list[Attendance]] = [[], [], [], []]
    for attendee in attendees:
        full = _folded(attendee.name)
        words = full.split()
        if full == wanted:
            tiers[0].append(attendee)
        elif words and words[0] == wanted:
            tiers[1].append(attendee)
        elif wanted in words:
            tiers[2].append(attendee)
        elif full.startswith(wanted) or any(word.startswith(wanted) for word in words):
            tiers[3].append(attendee)
    return next((tier for tier in tiers if tier), [])
