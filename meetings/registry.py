"""How other apps add to a meeting without `meetings/` knowing them.

`meetings/` imports no app built on it (actions, motions, minutes). Those apps register here in
their `AppConfig.ready()`, as the dashboard's cards do (`governance.dashboard`), and the meeting
page, the members' live view and the chair's console render what they registered:

- an **item section**: a block under an agenda item's notes in the record ("Actions", "Motion");
- a **meeting section**: a block for the meeting as a whole ("Action summary from last meeting");
- a **console panel**: a box in the console's right column ("Add an action", "Review actions");
- a **line parser**: claims a line typed in the console's note box ("Action Lars: ...",
  "Motion: ... Carried.") before it is read as "Speaker: statement".

Loaders are called once per page with every agenda item, so a section costs a fixed number of
queries whatever the meeting's size. Sections are rendered into the members' live view, which is
cached per meeting version and "may record or not": what a section shows may depend on
`viewer.may_record` but on nothing else about the viewer.

Whenever an app changes something a meeting page shows, it calls
`meetings.services.meeting_changed(meeting=...)` inside its transaction: live pages then fetch the
record again (and the cached rendering of the old version is never served).

Example (an app "tasks" showing its tasks under each item)::

    # tasks/apps.py
    class TasksConfig(AppConfig):
        name = "tasks"

        def ready(self) -> None:
            from tasks import meeting_parts  # noqa: F401  (registers with meetings.registry)

    # tasks/meeting_parts.py
    from meetings import registry
    from meetings.registry import Claimed, LineChoiceNeeded

    @registry.item_section(order=10, name="tasks", template="tasks/_item_tasks.html")
    def tasks_by_item(viewer, items):
        tasks = Task.objects.filter(item__in=items)          # one query for the whole meeting
        by_item = {}
        for task in tasks:
            by_item.setdefault(task.item_id, []).append(task)
        return by_item                                       # the template gets `section`

    @registry.line_parser(order=10, name="tasks")
    def task_line(line):
        if not line.text.startswith("Task:"):
            return None                         # not ours: the next parser, then a note
        task = task_record(item=line.item, text=line.text[5:], actor=line.author)
        return Claimed(saved=f"Task recorded: {task}")

A parser that needs the recorder to choose (an ambiguous name) raises `LineChoiceNeeded` with the
choices; the console shows them as buttons and sends the line again with the chosen value in
`line.resolutions`. A parser's other refusals raise any `DomainError`; the console shows the
message next to the box and keeps the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from governance.exceptions import DomainError
from meetings.models import AgendaItem, Meeting

# -- Who is looking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """A person looking at a meeting: its page, the live view or the console."""

    user: Any
    standing: Any
    meeting: Meeting
    may_record: bool
    # What one section read that another of the same page will want: an app may read both in
    # one query and leave the second part here (keys named after the app).
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def board(self):
        return self.meeting.board


# -- Item and meeting sections -------------------------------------------------------------------

ItemLoader = Callable[[Viewer, list[AgendaItem]], dict[int, Any]]
MeetingLoader = Callable[[Viewer], Any]


@dataclass(frozen=True)
class ItemSection:
    order: int
    name: str
    template: str
    load: ItemLoader


@dataclass(frozen=True)
class MeetingSection:
    order: int
    name: str
    template: str
    load: MeetingLoader


@dataclass(frozen=True)
class Piece:
    """One registered section rendered for one place: `{% include piece.template %}` with
    `section` set to what the loader returned."""

    name: str
    template: str
    section: Any


_item_sections: dict[str, ItemSection] = {}
_meeting_sections: dict[str, MeetingSection] = {}


def item_section(*, order: int, name: str, template: str) -> Callable[[ItemLoader], ItemLoader]:
    """Register `load(viewer, items) -> {item id: what the template shows}`; items missing from
    the answer (or mapped to None or an empty list) show no section."""

    def decorator(function: ItemLoader) -> ItemLoader:
        _item_sections[name] = ItemSection(order=order, name=name, template=template, load=function)
        return function

    return decorator


def meeting_section(
    *, order: int, name: str, template: str
) -> Callable[[MeetingLoader], MeetingLoader]:
    """Register `load(viewer) -> what the template shows`, or None to leave it out."""

    def decorator(function: MeetingLoader) -> MeetingLoader:
        _meeting_sections[name] = MeetingSection(
            order=order, name=name, template=template, load=function
        )
        return function

    return decorator


def item_sections_for(viewer: Viewer, items: list[AgendaItem]) -> dict[int, list[Piece]]:
    """{item id: its pieces in order}. Each item also gets them as `item.sections`."""
    pieces: dict[int, list[Piece]] = {item.pk: [] for item in items}
    for section in sorted(_item_sections.values(), key=lambda s: (s.order, s.name)):
        loaded = section.load(viewer, items) if items else {}
        for item_id, value in loaded.items():
            if value and item_id in pieces:
                pieces[item_id].append(Piece(section.name, section.template, value))
    for item in items:
        item.sections = pieces[item.pk]
    return pieces


def meeting_sections_for(viewer: Viewer) -> list[Piece]:
    pieces = []
    for section in sorted(_meeting_sections.values(), key=lambda s: (s.order, s.name)):
        value = section.load(viewer)
        if value is not None:
            pieces.append(Piece(section.name, section.template, value))
    return pieces


# -- Console panels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleState:
    """What a console panel is shown with: the recorder, the item under discussion (or None),
    and whatever the panel's own view passed back after a post (a bound form with its errors)."""

    viewer: Viewer
    current_item: AgendaItem | None
    state: dict[str, Any] = field(default_factory=dict)


PanelLoader = Callable[[ConsoleState], Any]


@dataclass(frozen=True)
class ConsolePanel:
    order: int
    name: str
    template: str
    load: PanelLoader


_panels: dict[str, ConsolePanel] = {}


def console_panel(*, order: int, name: str, template: str) -> Callable[[PanelLoader], PanelLoader]:
    """Register `load(console) -> what the template shows`, or None to leave the panel out.

    The panel's forms post to the app's own views, which answer htmx with the console's
    "panels" piece (`meetings.views.console_piece`) so the console stays one page.
    """

    def decorator(function: PanelLoader) -> PanelLoader:
        _panels[name] = ConsolePanel(order=order, name=name, template=template, load=function)
        return function

    return decorator


def console_panels_for(console: ConsoleState) -> list[Piece]:
    pieces = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        value = panel.load(console)
        if value is not None:
            pieces.append(Piece(panel.name, panel.template, value))
    return pieces


# -- Line parsers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A line typed in the console's note box under `item`, with any choices the recorder
    made when asked (`LineChoiceNeeded`), in the order they were made."""

    item: AgendaItem
    text: str
    author: Any
    resolutions: tuple[str, ...] = ()
    # When it was said: None is now (the demo loader replays a past meeting's lines).
    at: dt.datetime | None = None

    @property
    def meeting(self) -> Meeting:
        return self.item.meeting


@dataclass(frozen=True)
class Claimed:
    """A parser took the line: `saved` is said next to the box ("Action recorded for Lars")."""

    saved: str
    parser: str = ""


class LineChoiceNeeded(DomainError):
    """The line is the parser's, but the recorder must choose before it is recorded.

    `choices` are (value, label) pairs; the chosen value comes back in `line.resolutions`.
    `offer_note` adds a "Save as a plain note" button.
    """

    def __init__(self, message: str, *, choices: Iterable[tuple[str, str]], offer_note=True):
        super().__init__(message)
        self.choices = list(choices)
        self.offer_note = offer_note


LineParser = Callable[[Line], Claimed | None]


@dataclass(frozen=True)
class RegisteredParser:
    order: int
    name: str
    parse: LineParser


_parsers: dict[str, RegisteredParser] = {}


def line_parser(*, order: int, name: str) -> Callable[[LineParser], LineParser]:
    """Register `parse(line) -> Claimed | None`; None leaves the line to the next parser and,
    when nobody claims it, to the note box ("Speaker: statement")."""

    def decorator(function: LineParser) -> LineParser:
        _parsers[name] = RegisteredParser(order=order, name=name, parse=function)
        return function

    return decorator


def claim_line(line: Line) -> Claimed | None:
    """The first registered parser's answer for `line`, or None when it is an ordinary note.
    A parser's refusal (`DomainError`, `LineChoiceNeeded`) propagates to the console."""
    for parser in sorted(_parsers.values(), key=lambda p: (p.order, p.name)):
        claimed = parser.parse(line)
        if claimed is not None:
            return Claimed(saved=claimed.saved, parser=claimed.parser or parser.name)
    return None


# -- Tests ---------------------------------------------------------------------------------------


def unregister(name: str) -> None:
    """Forget whatever was registered under `name` (for tests that register their own)."""
    for registered in (_item_sections, _meeting_sections, _panels, _parsers):
        registered.pop(name, None)
