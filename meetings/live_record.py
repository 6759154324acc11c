"""The members' live view's answers to a changed poll: rendered once per change, sent as only the
blocks that changed.

The record (`meeting_detail.html#record`) is a row of blocks, each with an id and
`data-live-block`: the status line, the people, the attendance, the agenda, the corrections,
the registered meeting sections, and each agenda item. The template marks where each block
starts (`<!--live-block-->`) and where the last one ends (`<!--/live-blocks-->`); in an
item, where each note starts (`<!--live-note-->`) and where they end (`<!--/live-notes-->`);
and in a long block, each part that changes on its own (an agenda entry) between
`<!--live-part-->` and `<!--/live-part-->`, each an element with an id: the next item then
sends two agenda entries, not 60 (at large, 1.2 KB compressed -> 0.6 KB with both items).

Everything a member sees in the record depends on the meeting's version and on a *variant*:
the time zone their times are shown in, the day in that zone, and whether they may record the
meeting (registered sections promise to depend on nothing else about the viewer, see
`meetings.registry`). So, in the shared cache:

- `render(meeting, version, variant)`: that version's blocks, rendered once;
- `answer(meeting, from, to, variant)`: what a poll from `from` gets once the meeting is at
  `to`, prepared once: the blocks whose rendering differs (of an item whose notes alone
  changed, only the new or changed notes; of a block whose parts alone changed, those parts),
  with the new order of ids when it changed (a block
  added, moved or removed), or the whole record when `from`'s render is no longer kept (or
  `from` is no version at all);
- `rendering(meeting, version, variant)`: held while one request renders that version, so
  that the others arriving at the same moment wait for the next poll instead of all rendering.

The live pass (`meetings.live_pass`) reads the prepared answer, or the mark that it is being
prepared, in one cache read after its one query; only a miss goes to the view, which renders
(`answer_for`).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape

# How long renders and prepared answers are kept: a member whose page is older than this (or
# asleep in a background tab) gets the whole record once.
KEEP_SECONDS = 10 * 60
# A render that has not finished in this long (a worker killed mid-way) stops holding others.
RENDERING_SECONDS = 10
BLOCK_MARK = "<!--live-block-->"
END_MARK = "<!--/live-blocks-->"
NOTE_MARK = "<!--live-note-->"
NOTES_END = "<!--/live-notes-->"
PART = re.compile(r"<!--live-part-->(.*?)<!--/live-part-->", re.DOTALL)
BLOCK_ID = re.compile(r'\bid="([^"]+)"')


def zone_for(person_zone: str, board_zone: str) -> zoneinfo.ZoneInfo:
    """The zone a member's meeting pages use: their own, else the board's."""
    try:
        return zoneinfo.ZoneInfo(person_zone) if person_zone else zoneinfo.ZoneInfo(board_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(board_zone)


def variant_of(zone: zoneinfo.ZoneInfo, today: dt.date, may_record: bool) -> str:
    return f"{zone.key}:{today.isoformat()}:{'r' if may_record else 'm'}"


def render_key(meeting_id: int, version: int, variant: str) -> str:
    # "render2": a Render with parts; one kept by an earlier release is never read as one.
    return f"meetings:live:render2:{meeting_id}:{version}:{variant}"


def answer_key(meeting_id: int, since: int | None, version: int, variant: str) -> str:
    since_part = "whole" if since is None else since
    return f"meetings:live:answer:{meeting_id}:{since_part}:{version}:{variant}"


def rendering_key(meeting_id: int, version: int, variant: str) -> str:
    return f"meetings:live:rendering:{meeting_id}:{version}:{variant}"


def version_from(value: str | None) -> int | None:
    """The version a poll says its page shows; None for anything else (the whole record)."""
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


# The prepared answer is not there yet, but another request is rendering it: poll again.
PENDING = object()


def prepared(meeting_id: int, since: int | None, version: int, variant: str):
    """The prepared answer (a str), PENDING, or None (the view must prepare it): one cache
    read, which is one query with PostgreSQL's cache table."""
    answer, rendering = (
        answer_key(meeting_id, since, version, variant),
        rendering_key(meeting_id, version, variant),
    )
    found = cache.get_many([answer, rendering])
    if answer in found:
        return found[answer]
    if rendering in found:
        return PENDING
    return None


@dataclass(frozen=True)
class Notes:
    """An agenda item's notes, apart from the rest of its block (the shell)."""

    shell: str
    order: tuple[str, ...]
    html: dict[str, str]  # note id -> the note's HTML

    @classmethod
    def of(cls, block: str) -> Notes | None:
        if NOTE_MARK not in block:
            return None
        start, end = block.index(NOTE_MARK), block.index(NOTES_END)
        chunks = [chunk.strip() for chunk in block[start:end].split(NOTE_MARK)[1:]]
        names = [BLOCK_ID.search(chunk)[1] for chunk in chunks]
        return cls(
            shell=block[:start] + block[end:],
            order=tuple(names),
            html=dict(zip(names, chunks, strict=True)),
        )

    def added_to(self, earlier: Notes | None) -> list[str] | None:
        """The notes new or changed since `earlier`, when that is all that changed (the rest
        of the block alike, and earlier notes neither gone nor moved); else None."""
        if earlier is None or earlier.shell != self.shell:
            return None
        if self.order[: len(earlier.order)] != earlier.order:
            return None
        return [name for name in self.order if earlier.html.get(name) != self.html[name]]


@dataclass(frozen=True)
class Parts:
    """A block's parts (elements that change on their own), apart from the rest of the block
    (the shell, which keeps a marker naming each part where it stands: `_mark(id)`)."""

    shell: str
    html: dict[str, str]  # part id -> the part's HTML, in the block's order

    @classmethod
    def of(cls, block: str) -> Parts | None:
        if "<!--live-part-->" not in block:
            return None
        html: dict[str, str] = {}

        def set_aside(match: re.Match) -> str:
            name = BLOCK_ID.search(match[1])[1]
            html[name] = match[1]
            return _mark(name)

        return cls(shell=PART.sub(set_aside, block), html=html)

    def since(self, earlier: Parts | None, block: str) -> str | None:
        """What a page showing `earlier` needs when the rest of the block is alike: the parts
        that changed or are new, the ids of those gone, and where each new one goes (after or
        before a part next to it); None when the rest differs or a new part has no neighbour
        to go by (the whole block is sent)."""
        if earlier is None or _bare(earlier.shell) != _bare(self.shell):
            return None
        names = [match[1] for match in PART_MARK.finditer(self.shell)]
        places = []
        for index, name in enumerate(names):
            if name not in earlier.html:
                place = self._place(names, index, earlier)
                if place is None:
                    return None
                places.append(f"{name}:{place}")
        changed = [name for name in names if earlier.html.get(name) != self.html[name]]
        gone = [name for name in earlier.html if name not in self.html]
        extra = f' data-live-gone="{" ".join(gone)}"' if gone else ""
        extra += f' data-live-places="{" ".join(places)}"' if places else ""
        html = "".join(self.html[name] for name in changed)
        return f'<div data-live-parts="{block}"{extra}>{html}</div>'

    def _place(self, names: list[str], index: int, earlier: Parts) -> str | None:
        """'after:<id>' or 'before:<id>': a part that stands next to this new one in the same
        list (nothing but white space between them) and is there before it on the page."""
        if index > 0 and self._adjacent(names[index - 1], names[index]):
            return f"after:{names[index - 1]}"  # there already, or placed just before
        following = names[index + 1] if index + 1 < len(names) else None
        if following in earlier.html and self._adjacent(names[index], following):
            return f"before:{following}"
        return None

    def _adjacent(self, first: str, second: str) -> bool:
        start = self.shell.index(_mark(first)) + len(_mark(first))
        return not self.shell[start : self.shell.index(_mark(second))].strip()


# Where a part stood in its block's shell, by id.
PART_MARK = re.compile(r"<!--live-part:([^>]*?)-->")


def _mark(name: str) -> str:
    return f"<!--live-part:{name}-->"


def _bare(shell: str) -> str:
    """A block's shell without its parts' marks (and the white space a part's line leaves,
    which shows nothing): alike when only parts came or went."""
    return " ".join(PART_MARK.sub("", shell).split())


@dataclass(frozen=True)
class Render:
    """One version's record, cut into its blocks."""

    version: int
    head: str  # the record's opening tag
    order: tuple[str, ...]
    blocks: dict[str, str]  # id -> the block's HTML
    notes: dict[str, Notes]  # id of a block with notes -> its notes
    parts: dict[str, Parts]  # id of a block with parts -> its parts

    def whole(self) -> str:
        return self.head + "".join(self.blocks[name] for name in self.order) + "</div>"

    def _changed(self, name: str, earlier: Render) -> str:
        """What a page at `earlier` needs of a block that changed."""
        notes = self.notes.get(name)
        added = notes.added_to(earlier.notes.get(name)) if notes else None
        if added is not None:
            html = "".join(notes.html[note] for note in added)
            return f'<ol data-live-notes="{name}">{html}</ol>'
        parts = self.parts.get(name)
        answer = parts.since(earlier.parts.get(name), name) if parts else None
        return self.blocks[name] if answer is None else answer

    def since(self, earlier: Render) -> str:
        """Only what differs from `earlier`: the changed and the new blocks, or of a block whose
        notes alone changed, those notes (in a list naming the block), or of a block whose parts
        alone changed, those parts (in a div naming the block); and the order of every block
        when it changed (which also says which blocks are gone)."""
        parts = [
            self._changed(name, earlier)
            for name in self.order
            if earlier.blocks.get(name) != self.blocks[name]
        ]
        extra = f' data-live-since="{earlier.version}"'
        if self.order != earlier.order:
            extra += f' data-live-order="{escape(" ".join(self.order))}"'
        return self.head[:-1] + extra + ">" + "".join(parts) + "</div>"


def cut(html: str, version: int) -> Render:
    """The record's HTML (as the template renders it) cut into its blocks at the marks."""
    start = html.index("<div")
    head_end = html.index(">", start) + 1
    body, _, _ = html[head_end:].partition(END_MARK)
    order: list[str] = []
    blocks: dict[str, str] = {}
    notes: dict[str, Notes] = {}
    parts: dict[str, Parts] = {}
    for chunk in body.split(BLOCK_MARK)[1:]:
        chunk = chunk.strip()
        name = BLOCK_ID.search(chunk)[1]
        order.append(name)
        # The parts' marks are for cutting here; the page needs only the parts' ids.
        blocks[name] = chunk.replace("<!--live-part-->", "").replace("<!--/live-part-->", "")
        if (found := Notes.of(chunk)) is not None:
            notes[name] = found
        if (found_parts := Parts.of(chunk)) is not None:
            parts[name] = found_parts
    return Render(
        version=version,
        head=html[start:head_end],
        order=tuple(order),
        blocks=blocks,
        notes=notes,
        parts=parts,
    )


def answer_for(
    meeting_id: int, since: int | None, version: int, variant: str, render: Callable[[], str]
):
    """The answer to a poll from `since` (None: the whole record) once the meeting is at
    `version`, prepared and kept for every member in the variant; `render()` is called only
    when this version has not been rendered for the variant. PENDING while another request
    renders it."""
    answer, rendered = (
        answer_key(meeting_id, since, version, variant),
        render_key(meeting_id, version, variant),
    )
    earlier = None if since is None else render_key(meeting_id, since, variant)
    found = cache.get_many([answer, rendered, *([earlier] if earlier else [])])
    if answer in found:
        return found[answer]
    current = found.get(rendered)
    if current is None:
        rendering = rendering_key(meeting_id, version, variant)
        if not cache.add(rendering, True, RENDERING_SECONDS):
            return PENDING
        try:
            current = cut(render(), version)
            cache.set(rendered, current, KEEP_SECONDS)
            text = _answer(current, found.get(earlier))
            # Before the mark goes: the others find the answer, never a gap.
            cache.set(answer, text, KEEP_SECONDS)
        finally:
            cache.delete(rendering)
        return text
    text = _answer(current, found.get(earlier))
    cache.set(answer, text, KEEP_SECONDS)
    return text


def _answer(current: Render, earlier: Render | None) -> str:
    return current.whole() if earlier is None else current.since(earlier)
