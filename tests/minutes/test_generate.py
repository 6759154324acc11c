"""The first draft written from the record: the May 2014 demo meeting against its golden file,
and the structure's parts one by one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from actions import demo as actions_demo
from governance.demo import load_board
from meetings import demo as meetings_demo
from meetings.models import Meeting
from minutes.generate import minutes_markdown

GOLDEN = Path(__file__).parent / "golden" / "may-2014.md"

# The seed's sections, in the seed's order.
MAY_SECTIONS = [
    "# Minutes of May 2014",
    "## Attendees",
    "**Quorum:**",
    "## Agenda",
    "## Do we have enough momentum for a Xen+libvirt initiative?",
    "### Discussion",
    "### Summary",
    "::: embargoed until 2014-06-03T00:00+01:00\n## Member and Media Updates",
    "## Media updates and Analyst Meeting",
    "## Budget Update",
    "## Approve spending for Xen Project Hackathon",
    "## Xen Project 4.4 Retrospective",
    "## Action summary from the previous meeting",
]


@pytest.fixture
def may(db):
    board = load_board()
    meetings_demo.load(board)
    actions_demo.load(board)  # April's actions, for the action summary at the end
    return Meeting.objects.get(board=board, title="May 2014")


def test_may_2014_minutes_match_the_golden_file(may):
    text = minutes_markdown(may)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_may_2014_sections_are_all_there_in_order(may):
    text = minutes_markdown(may)
    positions = [text.find(section) for section in MAY_SECTIONS]
    assert -1 not in positions, [s for s, p in zip(MAY_SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_attendees_are_named_with_organisation_and_role(may):
    text = minutes_markdown(may)
    attendees = text.split("## Attendees", 1)[1].split("**Quorum:**", 1)[0]
    assert "- Lars Kurth (Chair)" in attendees
    assert "Don Dugger (voting), Jun Nakajima (alternate, not voting) — Intel" in attendees
    assert "Sarah Conway (Linux Foundation, secretary)" in attendees
    # Cavium's membership was under announcement embargo on the meeting day.
    assert "Larry Wikelius (voting) — {{embargoed until 2014-06-03T00:00+01:00 | Cavium}}" in (
        attendees
    )
    assert re.search(
        r"\*\*Quorum:\*\* 9, the rule in force on 15 May 2014 \(the rule: 9 voting organisations "
        r"present\); at most \d+ present\. "
        r"Quorate from 16:02 BST to \d\d:\d\d BST\.",
        text,
    )


def test_statements_are_attributed_to_their_speakers(may):
    text = minutes_markdown(may)
    assert "**Don:** if you fix libvirt you fix OpenStack" in text
    assert "**Daniel:** Oracle uses xen+libvirt" in text
    assert "Note: this stayed unanswered" in text


def test_apologies_guests_and_late_arrivals_are_named(cast):
    import datetime as dt

    from meetings import services as meeting_services
    from meetings.models import AttendanceStatus
    from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend

    meeting = MeetingFactory(board=cast.board, title="Roles")
    AgendaItemFactory(meeting=meeting)
    attend(meeting, cast.alice, cast.victor, cast.alan, cast.nora, actor=cast.alice)
    meeting_services.attendance_mark(
        meeting=meeting, person=cast.ivan, status=AttendanceStatus.APOLOGIES, actor=cast.alice
    )
    meeting = meeting_services.meeting_start(
        meeting=meeting, actor=cast.alice, at=meeting.starts_at
    )
    meeting_services.attendance_mark(
        meeting=meeting,
        person=cast.greta,
        status=AttendanceStatus.PRESENT,
        actor=cast.alice,
        at=meeting.started_at + dt.timedelta(minutes=20),
    )
    text = minutes_markdown(meeting)
    assert "- Alice Chair (Chair)" in text
    assert "Victor Voter (voting), Alan Alternate (alternate, not voting) — " in text
    assert "Nora Nonvoting (non-voting)" in text
    assert re.search(r"Greta Globex \(voting, from \d\d:\d\d [A-Z]+\)", text)
    assert "**Apologies:** Ivan Initech (" in text
