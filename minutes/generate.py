"""The minutes' first draft, written from the meeting's record in the structure boards use
(the seed: the Xen Project Advisory Board's May 2014 minutes).

Title; attendees with organisation and role; apologies; the quorum line with its timeline; the
agenda; each item in order with its background, discussion (statements attributed to their
speakers), summary, motions and actions; then the action summary from the previous meeting and
the ballots closed since. Confidential parts of the record are written inside confidentiality
marks (`minutes.disclosure`), so the public version leaves them out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.utils import timezone

from governance.models import Organisation, Role
from meetings.models import GUEST, AgendaItem, Attendance, Meeting, Note
from meetings.queries import MeetingRecord, describe_quorum_timeline, meeting_record
from minutes.disclosure import mark_for

# Sections other apps add to the minutes (actions, motions): each takes the record and an item
# (or None for the meeting-level sections) and returns Markdown lines.
ItemSection = Callable[[MeetingRecord, AgendaItem], list[str]]
MeetingSection = Callable[[MeetingRecord], list[str]]


def actions_section(record: MeetingRecord, item: AgendaItem) -> list[str]:
    """The actions raised under `item`, as the minutes write them: "Action Lars: ..."."""
    from actions.models import ActionItem

    actions = ActionItem.objects.filter(item=item).prefetch_related("owners").order_by("pk")
    # What the meeting decided, not how the action stands now: that is the next summary's job.
    lines = [f"Action {action.owner_names}: {safe_text(action.description)}" for action in actions]
    if not lines:
        return []
    return ["### Actions", "", *(f"- {line}" for line in lines), ""]


ITEM_SECTIONS: list[ItemSection] = [actions_section]
CLOSING_SECTIONS: list[MeetingSection] = []

ROLE_WORDS = {
    Role.VOTING: "voting",
    Role.ALTERNATE: "alternate",
    Role.MEMBER: "non-voting",
    Role.SECRETARY: "secretary",
    Role.STAFF: "staff",
    GUEST: "guest",
}

BARE_URL = re.compile(r"(?<![<(\[/\w])(https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])")


def local(moment: dt.datetime, meeting: Meeting) -> dt.datetime:
    return timezone.localtime(moment, meeting.board.zone)


def clock(moment: dt.datetime, meeting: Meeting) -> str:
    moment = local(moment, meeting)
    return f"{moment:%H:%M} {moment.tzname()}"


def long_when(moment: dt.datetime, meeting: Meeting) -> str:
    moment = local(moment, meeting)
    return f"{moment:%A} {moment.day} {moment:%B %Y}, {moment:%H:%M} {moment.tzname()}"


# (pattern, mark) for each organisation whose membership was under announcement embargo.
Embargoed = list[tuple[re.Pattern, str]]


def safe_text(text: str, embargoed: Embargoed = ()) -> str:
    """A statement as Markdown: a line that would open or close a confidentiality mark is
    defused, so a note can never end the block that keeps it inside the board; bare links are
    made links; the name of an organisation under announcement embargo is marked wherever it
    appears."""
    lines = []
    for line in text.replace("\r\n", "\n").strip().split("\n"):
        if line.lstrip().startswith(":::"):
            line = line.replace(":::", ":\u200b::", 1)
        line = BARE_URL.sub(r"<\1>", line.replace("{{", "{\u200b{"))
        for pattern, mark in embargoed:
            line = pattern.sub(lambda found, mark=mark: f"{{{{{mark} | {found.group(0)}}}}}", line)
        lines.append(line)
    return "\n".join(lines)


def embargoed_organisations(meeting: Meeting) -> Embargoed:
    """Organisations of the board whose membership could not be announced on the meeting day,
    each with the mark that names them only inside the board until their date."""
    found = []
    for organisation in Organisation.objects.filter(
        board_id=meeting.board_id, embargo_until__isnull=False
    ):
        until = organisation_public_from(organisation)
        if until is None or until <= meeting.opened_at:
            continue
        names = sorted({organisation.name, organisation.short_name} - {""}, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, names)) + r")(?![\w/])")
        found.append((pattern, mark_for(board_only=False, until=local(until, meeting))))
    return found


def marked(
    lines: list[str], *, board_only: bool, until: dt.datetime | None, meeting: Meeting
) -> list[str]:
    """`lines` inside a confidentiality mark, its moment written in the board's time zone."""
    if not board_only and until is None:
        return lines
    until = local(until, meeting) if until is not None else None
    return [f"::: {mark_for(board_only=board_only, until=until)}", *lines, ":::", ""]


def organisation_public_from(organisation: Organisation) -> dt.datetime | None:
    """When an organisation under announcement embargo may be named outside the board: the
    start of its embargo date in the board's time zone."""
    if organisation.embargo_until is None:
        return None
    return dt.datetime.combine(
        organisation.embargo_until, dt.time(0, 0), tzinfo=organisation.board.zone
    )


def _organisation_label(attendance: Attendance) -> str:
    name = attendance.organisation_name or (
        attendance.organisation.name if attendance.organisation_id else ""
    )
    if attendance.organisation_id:
        until = organisation_public_from(attendance.organisation)
        if until is not None and until > attendance.meeting.opened_at:
            return "{{" + mark_for(board_only=False, until=until) + " | " + name + "}}"
    return name


def _person(attendance: Attendance, *, with_role: bool = True) -> str:
    """'Jun Nakajima (alternate, from 16:12)'; a member in their own right 'Ann Smith, Governor'."""
    words = []
    if with_role and attendance.role in (Role.VOTING, Role.ALTERNATE, Role.MEMBER):
        # "voting"; "alternate, not voting" or "holds Intel's vote"; "non-voting", and for
        # anyone holding another unit's vote, which (see meetings.queries.vote_words).
        said = getattr(attendance, "vote_words", "")
        if attendance.role == Role.VOTING:
            words += [ROLE_WORDS[Role.VOTING], said]
        else:
            words.append(said or ROLE_WORDS[attendance.role])
    elif with_role and attendance.role in ROLE_WORDS:
        words.append(ROLE_WORDS[attendance.role])
    if not with_role and getattr(attendance, "vote_words", ""):
        words.append(attendance.vote_words)
    # "from 16:12", "left 10:20", "back 10:40": each stretch's ends, as the record says them.
    words += [f"{word} {clock(at, attendance.meeting)}" for word, at in attendance.movements]
    words = [word for word in words if word]
    suffix = f" ({', '.join(words)})" if words else ""
    title = f", {attendance.place}" if attendance.reads_with_title else ""
    return f"{attendance.name}{title}{suffix}"


def attendees_section(record: MeetingRecord) -> list[str]:
    lines = ["## Attendees", ""]
    for _label, people in record.present_by_organisation:
        first = people[0]
        if first.organisation_id:
            names = ", ".join(_person(a) for a in people)
            lines.append(f"- {names} — {_organisation_label(first)}")
        elif first.reads_with_title:
            lines.append(f"- {_person(first, with_role=False)}")
        elif first.role == Role.CHAIR:
            lines.append(f"- {_person(first, with_role=False)} (Chair)")
        elif first.role == GUEST:
            where = f", {first.organisation_name}" if first.organisation_name else ""
            lines.append(f"- {_person(first, with_role=False)} (guest{where})")
        else:
            role = ROLE_WORDS.get(first.role, first.get_role_display().lower())
            where = f"{first.organisation_name}, " if first.organisation_name else ""
            lines.append(f"- {_person(first, with_role=False)} ({where}{role})")
    if not record.present:
        lines.append("- Nobody was recorded present.")
    lines.append("")
    for title, people in (("Apologies", record.apologies), ("Absent", record.absent)):
        if people:
            named = [
                f"{a.name} ({_organisation_label(a)})"
                if a.organisation_id
                else f"{a.name}, {a.place}"
                if a.reads_with_title
                else a.name
                for a in people
            ]
            lines += [f"**{title}:** " + "; ".join(named), ""]
    return lines


def quorum_section(record: MeetingRecord) -> list[str]:
    meeting = record.meeting
    rule = record.quorum_rule  # as the meeting started: a later change of rule changes nothing
    line = f"**Quorum:** {rule.number_and_rule} (the rule: {rule.rule_text})"
    if record.timeline:
        present = max(change.quorum.present for change in record.timeline)
        line += f"; at most {present} present."
        text = describe_quorum_timeline(
            record.timeline,
            clock=lambda moment: clock(moment, meeting),
            until=meeting.adjourned_at,
        )
        line += f" {text}."
    else:
        line += "."
    return [line, ""]


def _note_lines(note: Note, meeting: Meeting, embargoed: Embargoed) -> list[str]:
    text = safe_text(note.text, embargoed)
    if note.speaker_id:
        text = f"**{note.speaker.short_name}:** {text}"
    return marked([text, ""], board_only=note.board_only, until=note.embargo_until, meeting=meeting)


def item_section(record: MeetingRecord, item: AgendaItem, embargoed: Embargoed) -> list[str]:
    # Items are not numbered: a gap in the public version's numbers would tell that an item
    # was left out.
    meeting = record.meeting
    lines = [f"## {safe_text(item.title, embargoed)}", ""]
    meta = [item.get_kind_display()]
    if item.presenter_id:
        meta.append(f"presented by {item.presenter.full_name}")
    if item.started_at:
        span = clock(item.started_at, meeting)
        if item.ended_at:
            span += f"–{clock(item.ended_at, meeting)}"
        meta.append(span)
    lines += ["*" + " · ".join(meta) + "*", ""]
    if item.description:
        lines += [safe_text(item.description, embargoed), ""]
    notes = list(item.notes.all())
    if notes:
        lines += ["### Discussion", ""]
        for note in notes:
            lines += _note_lines(note, meeting, embargoed)
    if item.summary:
        lines += ["### Summary", "", safe_text(item.summary, embargoed), ""]
    for section in ITEM_SECTIONS:
        lines += section(record, item)
    return marked(lines, board_only=item.board_only, until=item.embargo_until, meeting=meeting)


def agenda_section(record: MeetingRecord, embargoed: Embargoed) -> list[str]:
    lines = ["## Agenda", ""]
    for item in record.items:
        entry = [f"- {safe_text(item.title, embargoed)}"]
        if item.board_only or item.embargo_until:
            entry = marked(
                entry, board_only=item.board_only, until=item.embargo_until, meeting=record.meeting
            )[:-1]
        lines += entry
    if not record.items:
        lines.append("No agenda was recorded.")
    return [*lines, ""]


def minutes_markdown(meeting: Meeting) -> str:
    """The whole first draft of the minutes of `meeting`, as Markdown."""
    record = meeting_record(meeting)
    board = meeting.board
    heading = [f"# Minutes of {meeting.title}", ""]
    facts = [board.name, long_when(meeting.opened_at, meeting)]
    if meeting.adjourned_at:
        facts[-1] += f" to {clock(meeting.adjourned_at, meeting)}"
    if meeting.location:
        facts.append(meeting.location)
    if record.presiding:
        facts.append("Chair: " + ", ".join(record.presiding))
    heading += [" · ".join(facts), ""]
    embargoed = embargoed_organisations(meeting)
    lines = heading + attendees_section(record) + quorum_section(record)
    lines += agenda_section(record, embargoed)
    for item in record.items:
        lines += item_section(record, item, embargoed)
    for section in CLOSING_SECTIONS:
        lines += section(record)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
