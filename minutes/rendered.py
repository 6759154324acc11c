"""The minutes as HTML, rendered once and shared: every reader of the same text, in the same
audience, at the same state of its embargoes (and, for the board's version, in the same time
zone, which its "Embargoed until ..." labels are written in) gets the same HTML, so it is kept in
the shared cache instead of being rendered again per request (a large meeting's minutes take
a few hundred milliseconds of Markdown).

The key holds everything the HTML depends on:
- the minutes, their revision and a digest of the text: any edit, correction or new revision
  is a new key, even a change that forgot to count a revision;
- the audience: the board's version never reaches the public;
- the next embargo still to lift (every earlier one has): the moment it lifts, the key
  changes, so a lift is never late and an embargoed passage is never served after its time
  from a render made before it, nor before its time from one made after;
- for the board's version, the reader's time zone.

On the page (not the exports), a long action summary is folded: `fold_action_summary` keeps its
heading and counts and leaves its entries to their own page (`minutes:action_summary`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from minutes.disclosure import BOARD, problems, render_html
from minutes.models import Minutes

# Bump when the rendering changes, so no render made by older code is served.
RENDER_VERSION = 2
KEEP_SECONDS = 24 * 60 * 60

# A superset of the moments `disclosure.read_mark` can read out of a mark (block or inline, any
# case): an extra moment only changes the key once more; a missed one would serve a stale render.
EMBARGO_MOMENT = re.compile(r"embargoed until\s+([^\s|}]+)", re.IGNORECASE)


def embargo_moments(text: str) -> list[dt.datetime]:
    moments = set()
    for found in EMBARGO_MOMENT.finditer(text):
        try:
            moment = dt.datetime.fromisoformat(found.group(1))
        except ValueError:
            continue  # read as board only: it never lifts
        if timezone.is_aware(moment):
            moments.add(moment)
    return sorted(moments)


def next_lift(text: str, at: dt.datetime) -> dt.datetime | None:
    """The first embargo in `text` still in force at `at`; every earlier one has lifted."""
    return next((moment for moment in embargo_moments(text) if at < moment), None)


def digest_of(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def render_key(minutes: Minutes, *, audience: str, at: dt.datetime) -> str:
    digest = digest_of(minutes.text)
    lift = next_lift(minutes.text, at)
    state = "all-lifted" if lift is None else f"until-{lift.timestamp():.0f}"
    zone = timezone.get_current_timezone_name() if audience == BOARD else "-"
    return (
        f"minutes:html:v{RENDER_VERSION}:{minutes.pk}:r{minutes.revision_count}:{digest}:"
        f"{audience}:{state}:{zone}"
    )


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    problems: list[str]  # the marks' problems, for the board's version (the secretary's)


def minutes_rendered(minutes: Minutes, *, audience: str, at: dt.datetime) -> Rendered:
    """`disclosure.render_html` of the minutes' text (and, for the board, `problems`), from
    the shared cache when rendered before: one cache read, and one write on a miss (a few
    queries with the database cache, none with Redis)."""
    key = render_key(minutes, audience=audience, at=at)
    found = cache.get(key)
    if found is None:
        marks = problems(minutes.text) if audience == BOARD else []
        found = (str(render_html(minutes.text, audience=audience, at=at)), marks)
        cache.set(key, found, KEEP_SECONDS)
    html, marks = found
    return Rendered(html=mark_safe(html), problems=marks)  # noqa: S308 - sanitised by render_html


def minutes_html(minutes: Minutes, *, audience: str, at: dt.datetime) -> SafeString:
    return minutes_rendered(minutes, audience=audience, at=at).html


# -- The long action summary, folded on the page ------------------------------------------------

ACTION_SUMMARY_HEADING = "<h2>Action summary from the previous meeting</h2>"
# More entries than this and the page shows the summary's counts, not its entries (as the
# meeting page folds its own summary).
FOLD_SUMMARY_OVER = 30
GROUP = re.compile(r"<p><strong>(?P<heading>[^<]+)</strong></p>\s*<ul>(?P<entries>.*?)</ul>", re.S)


@dataclass(frozen=True)
class SummaryFold:
    """The minutes' HTML cut around its action summary."""

    before: SafeString
    section: SafeString  # the heading's section, heading left out
    after: SafeString
    groups: list[tuple[str, int]]  # (heading, entries) as the minutes group them

    @property
    def total(self) -> int:
        return sum(count for _heading, count in self.groups)

    @property
    def is_long(self) -> bool:
        return self.total > FOLD_SUMMARY_OVER


def action_summary_of(html: str) -> SummaryFold | None:
    """The action summary section of rendered minutes, or None when there is none, or when it
    does not stand on its own (it crosses a confidentiality block): then it is left whole."""
    start = html.find(ACTION_SUMMARY_HEADING)
    if start < 0:
        return None
    body_start = start + len(ACTION_SUMMARY_HEADING)
    # It ends where the next section or a confidentiality block begins.
    ends = [
        found for found in (html.find(tag, body_start) for tag in ("<h2", "<div")) if found >= 0
    ]
    end = min(ends, default=len(html))
    section = html[body_start:end]
    if "<div" in section or "</div" in section:
        return None
    groups = [
        (found.group("heading"), found.group("entries").count("<li>"))
        for found in GROUP.finditer(section)
    ]
    if not groups:
        groups = [("Actions", section.count("<li>"))]
    return SummaryFold(
        before=mark_safe(html[:body_start]),  # noqa: S308 - slices of sanitised HTML at tags
        section=mark_safe(section),  # noqa: S308
        after=mark_safe(html[end:]),  # noqa: S308
        groups=groups,
    )
