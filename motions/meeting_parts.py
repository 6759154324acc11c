"""What motions add to a meeting through `meetings.registry`: the motions under each item of the
record, the ballots closed since the previous meeting, the console's Motions panel, and lines
typed as the minutes write them ("Motion: Approve this expense. Carried.", "PASSED: ...",
"RESOLUTION: ...") becoming motions instead of notes by a speaker called "Motion".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, Q, Subquery
from django.urls import reverse

from meetings import registry
from meetings.models import Meeting
from meetings.registry import Claimed, Line, LineChoiceNeeded
from motions import services
from motions.models import Method, Motion, Status
from motions.services import MotionDetails

# -- The record ------------------------------------------------------------------------------


def _with_counts(motions):
    return motions.select_related("board", "meeting", "proposer", "seconder").annotate(
        voted_so_far=Count("participations")
    )


@registry.item_section(order=20, name="motions", template="motions/_item_motions.html")
def motions_by_item(viewer: registry.Viewer, items) -> dict[int, list[Motion]]:
    """Every motion put under each item, drafts only for those who record; and, in the same
    query, what the meeting's own section shows (left for it on the viewer)."""
    placed = Q(item__in=items) & ~Q(status=Status.WITHDRAWN)
    if not viewer.may_record:
        placed &= ~Q(status=Status.DRAFT)
    meeting_level = _meeting_level(viewer)
    by_item: dict[int, list[Motion]] = {}
    found = MeetingMotions(unplaced=[], ballots=[])
    item_ids = {item.pk for item in items}
    motions = _with_counts(Motion.objects.filter(placed | meeting_level)).order_by(
        "created_at", "pk"
    )
    for motion in motions:
        if motion.item_id in item_ids:
            by_item.setdefault(motion.item_id, []).append(motion)
        if motion.item_id is None and motion.meeting_id == viewer.meeting.pk:
            found.unplaced.append(motion)
        elif motion.is_ballot and motion.item_id is None:
            found.ballots.append(motion)
    viewer.shared[SHARED] = found
    return by_item


@dataclass
class MeetingMotions:
    unplaced: list[Motion]
    ballots: list[Motion]


SHARED = "motions.meeting"


def _by_closing(motion: Motion) -> tuple:
    """Closed first, in the order they closed; those still open after (read in the order they
    were put, which a stable sort keeps)."""
    return (motion.closed_at is None, motion.closed_at or motion.created_at)


def _meeting_level(viewer: registry.Viewer) -> Q:
    """Motions of the meeting under no item, and the ballots closed since the previous meeting."""
    meeting = viewer.meeting
    earlier = Meeting.objects.filter(board_id=meeting.board_id, starts_at__lt=meeting.starts_at)
    previous_start = Subquery(earlier.order_by("-starts_at").values("starts_at")[:1])
    unplaced = Q(meeting=meeting, item__isnull=True) & ~Q(status=Status.WITHDRAWN)
    if not viewer.may_record:
        unplaced &= ~Q(status=Status.DRAFT)
    ballots = Q(
        board_id=meeting.board_id,
        method=Method.BALLOT,
        status=Status.CLOSED,
        closed_at__lt=meeting.starts_at,
    ) & (Q(closed_at__gte=previous_start) | ~Exists(earlier))
    return unplaced | ballots


@registry.meeting_section(order=20, name="motions", template="motions/_meeting_motions.html")
def meeting_motions(viewer: registry.Viewer) -> MeetingMotions | None:
    """Motions of the meeting under no item, and the ballots closed since the previous meeting:
    as the item section found them, else in one query."""
    found = viewer.shared.pop(SHARED, None)
    if found is None:
        found = MeetingMotions(unplaced=[], ballots=[])
        for motion in _with_counts(Motion.objects.filter(_meeting_level(viewer))).order_by(
            "created_at", "pk"
        ):
            (found.ballots if motion.is_ballot else found.unplaced).append(motion)
    found.ballots.sort(key=_by_closing)
    found.unplaced.sort(key=_by_closing)
    return found if (found.unplaced or found.ballots) else None


# -- The console -----------------------------------------------------------------------------


@dataclass
class Panel:
    meeting: object
    item: object
    motions: list[Motion]
    new_url: str


@registry.console_panel(order=20, name="motions", template="motions/_console_panel.html")
def motions_panel(console: registry.ConsoleState) -> Panel | None:
    meeting = console.viewer.meeting
    if not meeting.is_in_progress:
        return None
    motions = list(
        _with_counts(
            Motion.objects.filter(
                meeting=meeting, status__in=(Status.DRAFT, Status.OPEN, Status.TABLED)
            )
        ).order_by("created_at", "pk")
    )
    new_url = reverse("motions:motion_new", args=[meeting.board.slug]) + f"?meeting={meeting.pk}"
    if console.current_item is not None:
        new_url += f"&item={console.current_item.pk}"
    return Panel(meeting=meeting, item=console.current_item, motions=motions, new_url=new_url)


# -- Lines typed as the minutes write them ---------------------------------------------------

LINE = re.compile(
    r"^\s*(?P<kind>motion|passed|resolution|resolved|decision|decided)\s*[:\-–—]\s*(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
OUTCOME = re.compile(
    r"[\s.;,:\-–—]*\b(?P<word>carried|passed|approved|agreed|adopted|failed|defeated|rejected)"
    r"(?P<how>\s+(?:without objection|unanimously|by consensus|nem\.? ?con\.?))?"
    r"(?:[\s,:(]*(?P<for>\d{1,4})\s*(?:for\s*)?[–\-,]\s*(?P<against>\d{1,4})\s*(?:against\s*)?"
    r"(?:[–\-,]\s*(?P<abstain>\d{1,4})(?:\s*abstaining|\s*abstentions?)?)?\)?)?[\s.!]*$",
    re.IGNORECASE,
)
FAILED_WORDS = {"failed", "defeated", "rejected"}

METHOD_CHOICES = {
    Method.WITHOUT_OBJECTION: "Carried without objection",
    Method.COUNTS: "Enter the count",
    Method.ROLL_CALL: "Take a roll call",
    Method.LIVE: "Open a live vote",
}


@dataclass(frozen=True)
class ParsedMotion:
    text: str
    said: str  # "carried", "failed" or ""
    method: str = ""  # when the line says how: "without objection", or a count
    counts: tuple[int, int, int] | None = None


def parse_motion_line(text: str) -> ParsedMotion | None:
    """'Motion: Approve this expense. Carried.' -> ('Approve this expense', 'carried');
    'Carried without objection' and 'Carried 9–0–1' also say how it was decided."""
    match = LINE.match(text)
    if match is None:
        return None
    rest = match["rest"].strip()
    said = "carried" if match["kind"].lower() in ("passed", "resolved", "decided") else ""
    method, counts = "", None
    outcome = OUTCOME.search(rest)
    if outcome is not None and outcome.start() > 0:
        rest = rest[: outcome.start()].strip()
        said = "failed" if outcome["word"].lower() in FAILED_WORDS else "carried"
        if outcome["for"] is not None:
            method = Method.COUNTS
            counts = (int(outcome["for"]), int(outcome["against"]), int(outcome["abstain"] or 0))
        elif outcome["how"] and "objection" in outcome["how"].lower() and said == "carried":
            method = Method.WITHOUT_OBJECTION
    rest = rest.rstrip(" .;,")
    if not rest:
        return None
    return ParsedMotion(text=rest, said=said, method=method, counts=counts)


@registry.line_parser(order=20, name="motions")
def motion_line(line: Line) -> Claimed | None:
    parsed = parse_motion_line(line.text)
    if parsed is None:
        return None
    chosen = parsed.method or next(
        (value for value in line.resolutions if value in METHOD_CHOICES), None
    )
    if chosen is None:
        choices = [
            (value, label)
            for value, label in METHOD_CHOICES.items()
            if not (parsed.said == "failed" and value == Method.WITHOUT_OBJECTION)
        ]
        raise LineChoiceNeeded(
            f"Record the motion “{parsed.text}”: how was it decided?", choices=choices
        )
    with transaction.atomic():
        return _record_line(line, parsed, chosen)


def _record_line(line: Line, parsed: ParsedMotion, chosen: str) -> Claimed:
    meeting = line.meeting
    at = getattr(line, "at", None)
    motion = services.motion_create(
        board=meeting.board,
        meeting=meeting,
        item=line.item,
        details=MotionDetails(text=parsed.text, method=chosen),
        actor=line.author,
    )
    if chosen == Method.WITHOUT_OBJECTION or (chosen == Method.COUNTS and parsed.counts):
        motion = services.motion_record(
            motion=motion, actor=line.author, counts=parsed.counts, at=at
        )
        outcome = motion.get_outcome_display().lower()
        if parsed.said and outcome != parsed.said and motion.outcome != "no_quorum":
            outcome += f" (the line said {parsed.said}: check the count)"
        return Claimed(saved=f"Motion recorded: {outcome}")
    if chosen == Method.LIVE:
        services.motion_open(motion=motion, actor=line.author)
        return Claimed(saved="Motion open for a live vote (see the Motions panel)")
    return Claimed(saved="Motion put: record the vote in the Motions panel")
