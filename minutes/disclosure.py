"""Confidentiality marks inside the minutes' Markdown, and the two versions they give.

The minutes are one text for the board and the public. Passages that may not leave the board
are marked where they stand, so the secretary sees and edits them like any other text:

    ::: embargoed until 2014-06-03T00:00+01:00
    Cavium joined the Xen Project ...
    :::

    ::: board only
    Budget figures under negotiation ...
    :::

and, inside a line, ``{{embargoed until 2014-06-03T00:00+01:00 | (Cavium)}}`` or
``{{board only | ...}}``. Whether a mark is public at a moment is decided by
`meetings.models.is_public_at`, the same rule the record uses.

The marks fail closed: a mark whose date cannot be read counts as board only, and a block that
is never closed runs to the end of the text. Every output (page, PDF, Markdown, feed) goes
through `public_markdown` or `render_html`, so none can leave a passage in by accident.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import markdown
import nh3
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from meetings.models import is_public_at

BOARD = "board"
PUBLIC = "public"

OPEN = re.compile(r"^:::\s*(?P<mark>.*?)\s*$")
CLOSE = re.compile(r"^:::\s*$")
INLINE = re.compile(r"\{\{\s*(?P<mark>board only|embargoed until\s+[^|}]*?)\s*\|(?P<text>.*?)\}\}")
MARK = re.compile(r"^(?:(?P<board>board only)|embargoed until\s+(?P<until>\S+))$", re.IGNORECASE)


@dataclass(frozen=True)
class Restriction:
    board_only: bool = False
    until: dt.datetime | None = None
    readable: bool = True

    def is_public_at(self, at: dt.datetime) -> bool:
        return is_public_at(board_only=self.board_only, embargo_until=self.until, at=at)

    def label(self, at: dt.datetime) -> str:
        from governance.formatting import when

        if self.board_only:
            return "Board only" if self.readable else "Board only (the mark could not be read)"
        if self.until is not None and at < self.until:
            return f"Embargoed until {when(self.until)}"
        return f"Embargo ended {when(self.until)}"

    def tone(self, at: dt.datetime) -> str:
        return "muted" if self.is_public_at(at) else "warn"


def read_mark(mark: str) -> Restriction:
    """A mark's meaning; one that cannot be read keeps its passage inside the board."""
    found = MARK.match(mark.strip())
    if not found:
        return Restriction(board_only=True, readable=False)
    if found.group("board"):
        return Restriction(board_only=True)
    try:
        until = dt.datetime.fromisoformat(found.group("until"))
    except ValueError:
        return Restriction(board_only=True, readable=False)
    if timezone.is_naive(until):
        return Restriction(board_only=True, readable=False)
    return Restriction(until=until)


def mark_for(*, board_only: bool, until: dt.datetime | None) -> str:
    if board_only:
        return "board only"
    assert until is not None
    return f"embargoed until {until.isoformat(timespec='minutes')}"


@dataclass(frozen=True)
class Segment:
    text: str
    restriction: Restriction | None = None


def segments(text: str) -> list[Segment]:
    """The text cut into unmarked stretches and marked blocks, in order."""
    result: list[Segment] = []
    lines: list[str] = []
    restriction: Restriction | None = None

    def flush() -> None:
        if lines:
            result.append(Segment("\n".join(lines), restriction))
        lines.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        if restriction is not None and CLOSE.match(line):
            flush()
            restriction = None
        elif OPEN.match(line) and not CLOSE.match(line):
            inner = read_mark(OPEN.match(line).group("mark"))
            if restriction is None:
                flush()
                restriction = inner
            else:
                # A block opened inside another: the stricter of the two holds for the rest.
                restriction = stricter(restriction, inner)
        else:
            lines.append(line)
    flush()
    return result


def stricter(a: Restriction, b: Restriction) -> Restriction:
    if a.board_only or b.board_only:
        return Restriction(board_only=True, readable=a.readable and b.readable)
    return Restriction(until=max(a.until, b.until))


def problems(text: str) -> list[str]:
    """What the secretary should fix in the marks; each problem already fails closed."""
    found = []
    depth = 0
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if depth and CLOSE.match(line):
            depth = 0
        elif OPEN.match(line) and not CLOSE.match(line):
            if not read_mark(OPEN.match(line).group("mark")).readable:
                found.append(
                    f"Line {number}: “{line.strip()}” is not a mark Boardroom knows; the passage "
                    "is kept inside the board. Use “::: board only” or “::: embargoed until "
                    "2014-06-03T00:00+01:00”."
                )
            depth += 1
        for inline in INLINE.finditer(line):
            if not read_mark(inline.group("mark")).readable:
                found.append(
                    f"Line {number}: “{inline.group('mark')}” cannot be read; the words are kept "
                    "inside the board."
                )
    if depth:
        found.append("A “:::” block is never closed; everything after it is kept inside the board.")
    return found


def _inline_public(line: str, at: dt.datetime) -> str:
    def keep_or_drop(found: re.Match) -> str:
        if read_mark(found.group("mark")).is_public_at(at):
            return found.group("text").strip()
        return ""

    return INLINE.sub(keep_or_drop, line)


def public_markdown(text: str, at: dt.datetime) -> str:
    """The text a reader outside the board may have at `at`: marks gone, and with them every
    passage not yet public."""
    kept = []
    for segment in segments(text):
        if segment.restriction is None or segment.restriction.is_public_at(at):
            kept.append(_inline_public(segment.text, at))
    return "\n".join(kept).strip() + "\n"


def markdown_for(text: str, *, audience: str, at: dt.datetime) -> str:
    return text if audience == BOARD else public_markdown(text, at)


MARKDOWN_EXTENSIONS = ["tables", "sane_lists", "nl2br"]
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"h1", "h2", "h3", "h4", "h5", "h6", "hr"}


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: no raw HTML from a user reaches a page."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def render_html(text: str, *, audience: str, at: dt.datetime) -> SafeString:
    """The minutes as HTML for `audience`. The board's version keeps every passage and marks
    the confidential ones; the public version leaves out what is not yet public."""
    if audience != BOARD:
        # One document, rendered whole, so lists and numbering close over what was left out.
        return mark_safe(render_markdown(public_markdown(text, at)))  # noqa: S308 - sanitised
    parts = []
    for segment in segments(text):
        restriction = segment.restriction
        html = _render_marked_inline(segment.text, at=at)
        if restriction is not None:
            html = format_html(
                '<div class="restricted restricted-{}"><p class="restricted-label">'
                '<span class="chip chip-{}">{}</span></p>{}</div>',
                restriction.tone(at),
                restriction.tone(at),
                restriction.label(at),
                mark_safe(html),  # noqa: S308 - sanitised by render_markdown
            )
        parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308 - each part sanitised above


def _render_marked_inline(text: str, *, at: dt.datetime) -> str:
    """The board's version of a passage: inline marks become placeholders while the Markdown is
    rendered and sanitised, then the marked spans (our own HTML, with the user's words escaped)
    are put back."""
    token = f"bdrmark{secrets.token_hex(6)}n"
    spans: list[str] = []

    def hold(found: re.Match) -> str:
        restriction = read_mark(found.group("mark"))
        spans.append(
            f'<mark class="restricted-inline restricted-inline-{restriction.tone(at)}" '
            f'title="{escape(restriction.label(at))}">'
            f"{escape(found.group('text').strip())}"
            f'<span class="visually-hidden"> ({escape(restriction.label(at))})</span></mark>'
        )
        return f"{token}{len(spans) - 1}x"

    html = render_markdown(INLINE.sub(hold, text))
    for index, span in enumerate(spans):
        html = html.replace(f"{token}{index}x", span)
    return html
