"""The demo's meetings: May 2014 recorded in full from its minutes, and the next one, scheduled.

Source: ../shared/seeds/ab-meeting-may-2014-minutes.txt. The meeting is recorded the way the
chair would record it, through the services (start, roll call, "Name: statement" notes,
summaries, adjourn), with the times it plausibly happened. Loading is idempotent: a meeting that
exists is left alone, so running `manage.py demo` again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from governance.models import Board, User
from meetings import registry, services
from meetings.models import AttendanceStatus, ItemKind, Meeting, MeetingStatus

LONDON = zoneinfo.ZoneInfo("Europe/London")
MAY_2014_START = dt.datetime(2014, 5, 15, 16, 0, tzinfo=LONDON)
# The new member's news may be made public from the morning of 3 June 2014.
CAVIUM_EMBARGO = dt.datetime(2014, 6, 3, 0, 0, tzinfo=LONDON)

# In the order the minutes list them.
MAY_2014_ATTENDEES = [
    "Sarah Conway",
    "Lars Kurth",
    "Don Dugger",
    "Jun Nakajima",
    "Major Hayden",
    "Antony Messerli",
    "Larry Wikelius",
    "Daniel Kiper",
    "Michelle P Dominijanni",
    "Mark Hinkle",
    "James Bulpin",
    "Demetrios Coulis",
    "Ian Pratt",
    "Richard Phelan",
]


@dataclass(frozen=True)
class DemoItem:
    title: str
    kind: str
    minutes: int
    presenter: str | None = None
    description: str = ""
    # "Name: statement" is attributed to the attendee; a line starting "- " is recorded as
    # written, without a speaker (questions, the record's own notes); a line starting "> " is
    # typed as the minutes write it ("Action Lars: ..."), so the app that registered a console
    # line parser for it records it (see meetings.registry), and otherwise it is a plain note.
    notes: list[str] = field(default_factory=list)
    summary: str = ""
    embargo_until: dt.datetime | None = None
    board_only: bool = False


MAY_2014_AGENDA = [
    DemoItem(
        "Do we have enough momentum for a Xen+libvirt initiative?",
        ItemKind.DISCUSSION,
        30,
        presenter="Lars Kurth",
        description=(
            "The background is that in the latest OpenStack User Survey we have lost ground.\n\n"
            "Hypervisor usage, May 2014 (Dev/QA, POC and Production; 904 deployments): KVM "
            "57.2%, Xen/XS 13.4%, ESX 8.7%, Containers 7.6%, Other 13.1%. October 2013: KVM "
            "62.0%, Xen/XS 16.0%. April 2013: KVM 71.0%, Xen/XS 13.0%. Source: "
            "http://www.slideshare.net/ryan-lane/openstack-atlanta-user-survey\n\n"
            "There are probably a number of reasons: 1) The risk of libvirt+xen being deprecated "
            "was highly advertised on the mailing lists and while that deprecation has not "
            "happened (and likely won’t) this would have an impact on adoptions for new PoCs. "
            "NOTE: that there were some meetings at the design summit to make progress\n\n"
            "2) Citrix not pushing for OpenStack in the same way that all other hypervisor "
            "vendors are"
        ),
        notes=[
            "Lars: Losing ground in OpenStack could potentially be problematic for the Xen "
            "Project as some quarters of the media see OpenStack equivalent to Cloud. Also being "
            "excluded from OpenStack distributions could hurt the project in the longer term.",
            "- Questions: a) Is there scope for an alliance amongst some AB members to push Xen "
            "in OpenStack\nb) Also there was discussion at the summit and see whether we (the Xen "
            "Project) can tie Xen+libvirt into the OpenStack CI loop.",
            "Don: makes the point that there are only two ways to address this a) bring "
            "xen+libvirt up to parity with kvm+libvirt\nb) bring XAPI up to parity with "
            "kvm+libvirt\nAlso see https://wiki.openstack.org/wiki/HypervisorSupportMatrix",
            "James: more interested in CloudStack and interested in fixing gaps in xen+libvirt",
            "Don: if you fix libvirt you fix OpenStack",
            "Antony: at the OpenStack summit there has been a lot of focus on libvirt (XAPI and "
            "xen+libvirt has been left on the side). In the long term it is better to support "
            "xen+libvirt within OpenStack",
            "Don: Personal opinion - we should focus on xen+libvirt",
            "Lars: What is Oracle’s position?",
            "Daniel: Oracle uses xen+libvirt in Oracle’s OpenStack distribution. We discussed "
            "this issue with Konrad shortly and there is a will to work on it. However, we do not "
            "have details yet. I hope that we will be able to get back shortly.",
            "> Action Lars: Lars to send report from Hackathon discussion next week to help scope "
            "put scale of issue",
            "Antony: There was a risk of Xen+libvirt support being deprecated in Icehouse. "
            "Libvirt + Xen testing would result in keeping the code in OpenStack",
            "Lars: How does the CI loop work? Does OpenStack run the whole test suite? Is the "
            "problem that there is a lack of tests? Or is the problem that tests fail?",
            "Antony: There are different hypervisor tiers (XAPI=tier B), (Xen+libvirt=tier C) – "
            "also see https://wiki.openstack.org/wiki/HypervisorSupportMatrix",
            "Antony: For Xen+libvirt we would need to set up a xen cluster, see what breaks and "
            "fix issues",
            "Lars: For XAPI would we have to write new tests?",
            "- Note: this stayed unanswered",
        ],
        summary=(
            "a) It appears that we may have enough backing for an Advisory Board initiative to "
            "improve Xen+libvirt\n"
            "b) We agreed that the first step must be: getting feature parity with Xen+libvirt "
            "vs. KVM+libvirt\n"
            "c) Note that there is some engineering discussion going on at the Xen Hackathon in "
            "a week (the RedHat libvirt maintainer is attending)"
        ),
    ),
    DemoItem(
        "Member and Media Updates",
        ItemKind.INFORMATION,
        5,
        presenter="Lars Kurth",
        description="Member updates (if new member can be disclosed by the meeting)",
        notes=[
            "- Cavium joined the Xen Project with Larry Wikelius being the primary voting "
            "representative (under embargo until June 3). Larry was previously representative "
            "for Calxeda, but now works for Cavium",
            "Larry: We publicly talked a little bit about Project Thunder. Xen is important "
            "around that product line.",
            "Lars: Will send out a press release next week for approval",
        ],
        summary="Cavium has joined; the membership is under embargo until 3 June 2014.",
        embargo_until=CAVIUM_EMBARGO,
    ),
    DemoItem(
        "Media updates and Analyst Meeting",
        ItemKind.INFORMATION,
        10,
        presenter="Sarah Conway",
        description=(
            "Press releases in the last month:\n"
            "• Several CentOS stories, but no in-depth coverage\n"
            "• Rackspace release\n\n"
            "Prospects:\n"
            "• Interest in high proportion (4 out of 7) female GSoC/OPW interests in Xen Project "
            "for a story\n\n"
            "Analyst Meeting preparation:\n"
            "• Started interviews for developing messaging and analyst deck. Goal: Getting the "
            "big picture from Advisory Board members\n"
            "• Done: AMD, RAX, Cavium\n"
            "• Planned: Citrix\n"
            "• Requested to Intel and Verizon: no response"
        ),
        notes=[
            "> Action Michelle: Follow up internally within Verizon as to who the right person is",
            "> Action Sarah: Sarah to send questions to Michelle",
            "> Action Sarah: Sarah to send questions to list",
            "> Action All: interested vendors to get back to Sarah",
            "Sarah: Putting together analyst and influencer deck",
            "Sarah: target for briefing June",
        ],
    ),
    DemoItem(
        "Budget Update",
        ItemKind.DISCUSSION,
        15,
        presenter="Lars Kurth",
        description=(
            "Updated Budget which tracks planned, spent, and approved spending. Either as risk "
            "(for events) or specifically allocated (to be sent out by Lars tomorrow).\n\n"
            "See “Xen Project Provisional Budget for 2014 v4 - May Update.xls”"
        ),
        notes=[
            "- Lars walked through how the spreadsheet works.",
            "Lars: Does this work for everyone. Should we mark unapproved funds where we "
            "underspent?",
            "Don: Would lose information on what we approved",
            "Lars: Will come up with a revision.",
            "Richard: Would we carry approved items over into the new year?",
            "Lars: I don’t see any reason why we could not do this. We can just mark items as "
            "approved in 2014 and carry over as approved into the new budget. If anyone had a "
            "concrete objection, we could cover this then.",
            "> Decision: Items approved in 2014 are carried over as approved into the new "
            "budget. Carried without objection.",
            "Mark: Would there be a possible issue with non-profit status if we carried planned "
            "items into the new year?",
            "> Action Lars: Come up with a better proposal – see “Xen Project Provisional Budget "
            "for 2014 v4 - May20 Update.xls” … Added column I “Available for Allocation” which "
            "contains Planned-Unspent",
            "> Action Lars: Check with Brian whether there any accounting constraints carrying "
            "over approved budget into following year",
        ],
    ),
    DemoItem(
        "Approve spending for Xen Project Hackathon",
        ItemKind.DECISION,
        10,
        presenter="Lars Kurth",
        description=(
            "I also wanted to get approval during the meeting for funding the evening social "
            "event at the Xen Project Hackathon. Rackspace will pick up 50% of the cost and "
            "provide space and catering during the day. The cost breakdown is as follows:\n\n"
            "Venue hire: GBP 500 + VAT = GBP 600\n"
            "Security Guard: 13 + VAT per hour (4 hours) = GBP 62,50\n"
            "Food: GBP 1796.4 (inc VAT)\n"
            "Drinks: GBP 648 (inc VAT)\n"
            "Total: GBP 3106.90\n"
            "Total covered by the project: GBP 1553.45\n"
            "In USD: 2613.68 but I suggest to approve USD 3000 to cover for exchange rate "
            "fluctuations\n\n"
            "The plan is for the project to pay the entire sum and for Rackspace to pay the "
            "project 50% using a sponsoring contract."
        ),
        notes=[
            "> Motion: Approve this expense, up to USD 3,000. Carried 9–0–0.",
            "- Note: Updated in “Xen Project Provisional Budget for 2014 v4 - May20 Update.xls”",
        ],
        summary="Motion: Approve this expense (USD 3,000). Carried.",
    ),
    DemoItem(
        "Xen Project 4.4 Retrospective",
        ItemKind.DISCUSSION,
        20,
        presenter="Lars Kurth",
        description="See “Xen Project 4.4 Retrospective.doc”",
        notes=[
            "Lars: Briefly walked through section of the document (mainly negatives) and gave "
            "updates",
            "Lars: Will provide regular updates and see whether we can broaden engagement beyond "
            "the Citrix open source team",
            "- Xen Project Infrastructure: Russell is scoping out security improvements with web "
            "site supplier",
            "- End User Engagement: small improvements, but still an issue\n"
            "a) We are seeing minor improvements to on-ramp since the report started, e.g. a "
            "Fedora Live CD for Xen is being worked on\n"
            "b) Questions on Q&A system are being answered more than before. This will be one of "
            "Russell’s focus areas for Q2 and Q3\n"
            "c) The April Document Day has been more active than in the previous 9 months. "
            "Monitor May Document Day\n"
            "d) Have a draft version of Xen Project User Survey, but need to consolidate some of "
            "the questions. Will work on these with Developers at the Hackathon",
            "- Code Reviews: We have a bottleneck in review capacity in the community, which has "
            "stayed the same while new contributors are joining. New contributors are taking up "
            "more review capacity than established contributors. The consequence is that "
            "contributions in terms of changesets and Lines of code are remaining static – thus "
            "we may not meet the growth target of 10% that we set as project objective",
            "Don: The review process could be improved",
            "Lars: Has scheduled a process improvement discussion at the Hackathon",
            "Don: Quality is more important than increasing the number of contributions to the "
            "project",
            "- Upstream Issues",
            "Larry: was concerned about Linaro issues",
            "Lars: Linaro CI loop is often broken (affecting Xen, KVM and other technologies). "
            "This has been raised with Linaro. Will monitor",
            "Lars: x86 testing issues will be further discussed at the Hackathon",
            "- Distro Support",
            "Lars: Improved Xen Support in Ubuntu and more usability improvements in the pipeline",
            "Lars: Leading the CentOS SIG has so far been successful. Improvement of relationship "
            "with RedHat (e.g. 3 RedHat Engineers will attend the Hackathon). However it is "
            "unclear whether this will lead to any commercial changes in the long run.",
            "- Perception of Xen Project in the Media: Generally positive, but struggling to get "
            "message across related to Performance and Security",
            "Lars: The issue with performance is lack of public comparative performance data for "
            "Xen vs. other Hypervisors",
            "Sarah: How did you promote security",
            "Lars: We have been giving Security related talks at most events, but do not appear "
            "to reach a wider audience. Discuss with Sarah.",
            "> Action All: Please ask questions on the list if there are areas of concern",
        ],
    ),
    DemoItem(
        "Action Summary from last meeting",
        ItemKind.INFORMATION,
        5,
        presenter="Lars Kurth",
        description=(
            "The actions of the April meeting, as they stood when this meeting opened, are in "
            "the action summary at the top of this record."
        ),
    ),
]

NEXT_MEETING_AGENDA = [
    DemoItem("Action Summary from last meeting", ItemKind.INFORMATION, 10, "Lars Kurth"),
    DemoItem("Member and Media Updates", ItemKind.INFORMATION, 10, "Sarah Conway"),
    DemoItem("Budget Update", ItemKind.DISCUSSION, 15, "Lars Kurth"),
    DemoItem("Xen+libvirt initiative: report from the Hackathon", ItemKind.DISCUSSION, 25),
]


def load(board: Board) -> None:
    """Add the demo's meetings to `board`, unless they are there already."""
    people = {person.full_name: person for person in User.objects.filter(seats__board=board)}
    if not Meeting.objects.filter(board=board, starts_at=MAY_2014_START).exists():
        load_may_2014(board, people)
    if (
        not Meeting.objects.of_board(board)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now())
        .exists()
    ):
        load_next_meeting(board, people)


@transaction.atomic
def load_may_2014(board: Board, people: dict[str, User]) -> Meeting:
    chair = people["Lars Kurth"]
    meeting = services.meeting_schedule(
        board=board,
        title="May 2014",
        starts_at=MAY_2014_START,
        planned_end_at=MAY_2014_START + dt.timedelta(minutes=90),
        location="Conference call",
        dial_in="Call details circulated with the agenda.",
        minute_taker=people["Sarah Conway"],
        actor=chair,
    )
    for entry in MAY_2014_AGENDA:
        services.agenda_item_add(meeting=meeting, details=_details(entry, people), actor=chair)
    for name in MAY_2014_ATTENDEES:
        services.attendance_mark(
            meeting=meeting, person=people[name], status=AttendanceStatus.PRESENT, actor=chair
        )
    clock = MAY_2014_START + dt.timedelta(minutes=2)
    meeting = services.meeting_start(meeting=meeting, actor=chair, at=clock)
    for index, (entry, item) in enumerate(
        zip(MAY_2014_AGENDA, meeting.items.in_order(), strict=True)
    ):
        if index:
            services.agenda_item_open(item=item, actor=chair, at=clock)
        item.meeting = meeting
        step = dt.timedelta(minutes=entry.minutes) / (len(entry.notes) + 1)
        for line in entry.notes:
            clock += step
            if line.startswith("> "):
                typed = registry.Line(item=item, text=line[2:], author=chair, at=clock)
                if registry.claim_line(typed) is None:
                    services.note_record(
                        item=item, text=line[2:], author=chair, attribute=False, at=clock
                    )
            elif line.startswith("- "):
                services.note_record(
                    item=item, text=line[2:], author=chair, attribute=False, at=clock
                )
            else:
                services.note_record(item=item, text=line, author=chair, at=clock)
        if entry.summary:
            services.item_summary_update(
                item=item, summary=entry.summary, expected_version=0, actor=chair
            )
        clock += step
    return services.meeting_adjourn(meeting=meeting, actor=chair, at=clock)


THURSDAY = 3


def load_next_meeting(board: Board, people: dict[str, User]) -> Meeting:
    today = timezone.localdate()
    month = today.month % 12 + 1
    year = today.year + (today.month == 12)
    # The board meets on the third Thursday of the month (15 May 2014 was one).
    first = dt.date(year, month, 1)
    meeting_day = first + dt.timedelta(days=(THURSDAY - first.weekday()) % 7 + 14)
    starts_at = dt.datetime.combine(meeting_day, dt.time(16, 0), tzinfo=LONDON)
    chair = people["Lars Kurth"]
    meeting = services.meeting_schedule(
        board=board,
        title=f"{starts_at:%B %Y}",
        starts_at=starts_at,
        planned_end_at=starts_at + dt.timedelta(minutes=90),
        location="Conference call",
        dial_in="Call details circulated with the agenda.",
        minute_taker=people["Sarah Conway"],
        actor=chair,
    )
    for entry in NEXT_MEETING_AGENDA:
        services.agenda_item_add(meeting=meeting, details=_details(entry, people), actor=chair)
    return services.agenda_publish(meeting=meeting, actor=chair)


def _details(entry: DemoItem, people: dict[str, User]) -> services.ItemDetails:
    return services.ItemDetails(
        title=entry.title,
        kind=entry.kind,
        planned_minutes=entry.minutes,
        presenter=people.get(entry.presenter) if entry.presenter else None,
        description=entry.description,
        board_only=entry.board_only,
        embargo_until=entry.embargo_until,
    )
