"""What the minutes write of the records other apps keep: the motions under each item, and,
at the end, the action summary from the previous meeting and the ballots closed since it.

`minutes/` sits on top of `motions/` and `actions/` and reads them directly; neither knows the
minutes exist.
"""

from __future__ import annotations

from actions.models import ActionItem
from actions.queries import SummaryEntry, action_summary_for
from meetings.models import AgendaItem
from meetings.queries import MeetingRecord
from minutes.generate import CLOSING_SECTIONS, ITEM_SECTIONS, clock, local, safe_text
from motions.models import Method, Motion, Status
from motions.queries import outcome_words

SHOWN = (Status.OPEN, Status.CLOSED, Status.TABLED)


def motion_line(motion: Motion, record: MeetingRecord) -> str:
    """'Motion: Approve this expense, up to USD 3,000. Proposed by Lars Kurth, seconded by
    Sarah Conway. Show of hands. Carried: 9 for, 0 against, 0 abstaining; 5 in favour were
    needed.'"""
    words = [f"Motion: {safe_text(motion.text).rstrip('.')}."]
    movers = []
    if motion.proposer_id:
        movers.append(f"proposed by {motion.proposer.full_name}")
    if motion.seconder_id:
        movers.append(f"seconded by {motion.seconder.full_name}")
    if movers:
        said = ", ".join(movers)
        words.append(said[0].upper() + said[1:] + ".")
    if motion.method != Method.WITHOUT_OBJECTION:  # the outcome already says so
        words.append(f"{motion.get_method_display()}.")
    if motion.status == Status.CLOSED:
        words.append(outcome_words(motion))
    elif motion.status == Status.TABLED:
        words.append("Tabled: to be taken up again.")
    elif motion.is_ballot and motion.closes_at:
        words.append(
            f"Put to a ballot closing {local(motion.closes_at, record.meeting):%-d %B %Y}, "
            f"{clock(motion.closes_at, record.meeting)}."
        )
    else:
        words.append("Still open when these minutes were written.")
    return " ".join(words)


def motions_section(record: MeetingRecord, item: AgendaItem) -> list[str]:
    motions = (
        Motion.objects.filter(item=item, status__in=SHOWN)
        .select_related("board", "proposer", "seconder", "depends_on")
        .order_by("created_at", "pk")
    )
    lines = [f"- {motion_line(motion, record)}" for motion in motions]
    return ["### Motions", "", *lines, ""] if lines else []


def _action_line(entry: SummaryEntry) -> str:
    action: ActionItem = entry.action
    line = f"Action {action.owner_names}: {safe_text(action.description)}"
    if entry.last_note is not None and entry.last_note.note:
        line += f" … {safe_text(entry.last_note.note)}"
    if entry.review is not None and entry.review.note:
        line += f" (reviewed: {safe_text(entry.review.note)})"
    return line


def action_summary_section(record: MeetingRecord) -> list[str]:
    """The seed's "Action Summary from last meeting": open and in progress, then done, then
    closed (dropped), each action as it stood when this meeting opened."""
    summary = action_summary_for(record.meeting)
    if not summary:
        return []
    lines = ["## Action summary from the previous meeting", ""]
    for heading, entries in (
        ("Open / in progress", summary.open + summary.in_progress + summary.waiting),
        ("Done", summary.done),
        ("Closed without being done", summary.dropped),
    ):
        if entries:
            lines += [f"**{heading}**", "", *(f"- {_action_line(e)}" for e in entries), ""]
    return lines


def ballots_section(record: MeetingRecord) -> list[str]:
    """Ballots of the board closed between the previous meeting and this one, with outcomes."""
    meeting = record.meeting
    previous = meeting.previous()
    ballots = Motion.objects.filter(
        board_id=meeting.board_id,
        method=Method.BALLOT,
        status=Status.CLOSED,
        closed_at__lt=meeting.opened_at,
    )
    if previous is not None:
        ballots = ballots.filter(closed_at__gte=previous.opened_at)
    ballots = ballots.select_related("board", "proposer", "seconder", "depends_on").order_by(
        "closed_at", "pk"
    )
    lines = [
        f"- Closed {local(ballot.closed_at, meeting):%-d %B %Y}: {motion_line(ballot, record)}"
        for ballot in ballots
    ]
    if not lines:
        return []
    return ["## Ballots closed since the previous meeting", "", *lines, ""]


ITEM_SECTIONS.insert(0, motions_section)  # motions, then the actions they raised
CLOSING_SECTIONS.extend([action_summary_section, ballots_section])
