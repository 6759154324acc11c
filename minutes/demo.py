"""The demo's minutes: May 2014 generated from the demo meeting, reviewed, approved at the June
2014 meeting and published, with a correction after publication; April 2014 approved by the
chair and published. Everything goes through the services, at the times it plausibly happened.
Idempotent: minutes that exist are left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from governance.models import Board, User
from meetings import services as meeting_services
from meetings.demo import LONDON, MAY_2014_START
from meetings.models import AttendanceStatus, ItemKind, Meeting
from minutes import approvals, services
from minutes.models import ApprovalMethod, Minutes, MinutesPolicy
from motions import services as motion_services
from motions.models import Method

APRIL_2014_START = dt.datetime(2014, 4, 17, 16, 0, tzinfo=LONDON)
JUNE_2014_START = dt.datetime(2014, 6, 19, 16, 0, tzinfo=LONDON)

SURVEY_TABLE = """Hypervisor usage in the OpenStack User Survey (May 2014):

| | Total | KVM | Xen/XS | ESX | Containers | Other |
|---|---:|---:|---:|---:|---:|---:|
| Dev / QA | 309 | 56.6% | 12.6% | 7.1% | 9.1% | 14.6% |
| POC | 327 | 51.7% | 16.5% | 11.6% | 7.3% | 12.8% |
| Production | 268 | 64.6% | 10.4% | 7.1% | 6.3% | 11.6% |
| May 2014 | 904 | 57.2% | 13.4% | 8.7% | 7.6% | 13.1% |
| Oct 2013 | | 62.0% | 16.0% | 8.0% | 5.0% | 9.0% |
| Apr 2013 | | 71.0% | 13.0% | 8.0% | 5.0% | 3.0% |

Containers include LXC, OpenVZ and Docker. Source: <http://www.slideshare.net/ryan-lane/openstack-atlanta-user-survey>
"""

VOTERS_AT_APRIL = [
    "Lars Kurth",
    "Sarah Conway",
    "Don Dugger",
    "Antony Messerli",
    "Daniel Kiper",
    "Michelle P Dominijanni",
    "Mark Hinkle",
    "Demetrios Coulis",
    "Ian Pratt",
    "Richard Phelan",
    "Larry Wikelius",
]


def at(day: int, month: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2014, month, day, hour, minute, tzinfo=LONDON)


def load(board: Board) -> None:
    people = {p.full_name: p for p in User.objects.filter(seats__board=board).distinct()}
    MinutesPolicy.objects.get_or_create(board=board, defaults={"chair_may_approve": True})
    april = _meeting(board, "April 2014") or _short_meeting(
        board, people, "April 2014", APRIL_2014_START, "Minutes of the March 2014 meeting"
    )
    if not Minutes.objects.filter(meeting=april).exists():
        load_april_minutes(april, people)
    may = Meeting.objects.filter(board=board, starts_at=MAY_2014_START).first()
    june = _meeting(board, "June 2014")
    if may is not None and not Minutes.objects.filter(meeting=may).exists():
        if june is None:
            june = _short_meeting(
                board,
                people,
                "June 2014",
                JUNE_2014_START,
                "Minutes of the May 2014 meeting",
                hold=False,
            )
        load_may_minutes(may, june, people)
    if june is None:
        _short_meeting(
            board, people, "June 2014", JUNE_2014_START, "Minutes of the May 2014 meeting"
        )


def _meeting(board: Board, title: str) -> Meeting | None:
    return Meeting.objects.filter(board=board, title=title).order_by("starts_at").first()


@transaction.atomic
def _short_meeting(
    board: Board,
    people: dict[str, User],
    title: str,
    starts_at: dt.datetime,
    item: str,
    *,
    hold: bool = True,
) -> Meeting:
    """A one-item meeting approving the previous minutes, scheduled with its attendance and,
    if `hold`, held and adjourned (else `_hold` holds it once the minutes are put to it)."""
    chair = people["Lars Kurth"]
    meeting = meeting_services.meeting_schedule(
        board=board,
        title=title,
        starts_at=starts_at,
        planned_end_at=starts_at + dt.timedelta(minutes=60),
        location="Conference call",
        minute_taker=people["Sarah Conway"],
        actor=chair,
    )
    meeting_services.agenda_item_add(
        meeting=meeting,
        details=meeting_services.ItemDetails(title=item, kind=ItemKind.DECISION, planned_minutes=5),
        actor=chair,
    )
    for name in VOTERS_AT_APRIL:
        if name in people:
            meeting_services.attendance_mark(
                meeting=meeting, person=people[name], status=AttendanceStatus.PRESENT, actor=chair
            )
    return _hold(meeting, people, item) if hold else meeting


def _hold(meeting: Meeting, people: dict[str, User], item: str, *, motion=None) -> Meeting:
    """Start the meeting two minutes late, take the minutes item (recording the motion put to
    it, carried 9–0–0, if there is one) and adjourn at 16:55."""
    chair, starts_at = people["Lars Kurth"], meeting.starts_at
    meeting = meeting_services.meeting_start(
        meeting=meeting, actor=chair, at=starts_at + dt.timedelta(minutes=2)
    )
    first = meeting.items.in_order().first()
    meeting_services.note_record(
        item=first,
        text=f"Lars: Are there any corrections to the {item[len('Minutes of the ') :]}?",
        author=chair,
        at=starts_at + dt.timedelta(minutes=4),
    )
    meeting_services.note_record(
        item=first,
        text="No corrections were raised.",
        author=chair,
        attribute=False,
        at=starts_at + dt.timedelta(minutes=6),
    )
    if motion is not None:
        motion_services.motion_record(
            motion=motion, actor=chair, counts=(9, 0, 0), at=starts_at + dt.timedelta(minutes=7)
        )
    return meeting_services.meeting_adjourn(
        meeting=meeting, actor=chair, at=starts_at + dt.timedelta(minutes=55)
    )


@transaction.atomic
def load_april_minutes(april: Meeting, people: dict[str, User]) -> Minutes:
    sarah, lars = people["Sarah Conway"], people["Lars Kurth"]
    day = april.starts_at.astimezone(LONDON)
    minutes = services.minutes_generate(meeting=april, actor=sarah, at=day + dt.timedelta(days=1))
    services.minutes_circulate(minutes=minutes, actor=sarah, at=day + dt.timedelta(days=2))
    services.minutes_approve(
        minutes=minutes,
        actor=lars,
        method=ApprovalMethod.CHAIR,
        at=day + dt.timedelta(days=9),
    )
    return services.minutes_publish(minutes=minutes, actor=sarah, at=day + dt.timedelta(days=10))


@transaction.atomic
def load_may_minutes(may: Meeting, june: Meeting, people: dict[str, User]) -> Minutes:
    sarah, don = people["Sarah Conway"], people["Don Dugger"]
    minutes = services.minutes_generate(meeting=may, actor=sarah, at=at(16, 5))
    # The secretary swaps the survey figures, typed as prose during the meeting, for the table.
    prose = minutes.text.index("Hypervisor usage, May 2014 (")
    reasons = minutes.text.index("There are probably a number of reasons", prose)
    services.minutes_revise(
        minutes=minutes,
        text=minutes.text[:prose] + SURVEY_TABLE + "\n" + minutes.text[reasons:],
        summary="Survey table added from the slides",
        actor=sarah,
        at=at(17, 5, 9, 30),
    )
    minutes.refresh_from_db()
    services.minutes_revise(
        minutes=minutes,
        text=minutes.text.replace("Xen Hackathon in a week", "Xen Project Hackathon in a week"),
        summary="Hackathon named as the project names it",
        actor=sarah,
        at=at(19, 5, 18, 0),
    )
    minutes.refresh_from_db()
    services.minutes_circulate(minutes=minutes, actor=sarah, at=at(20, 5, 9, 0))
    comment = services.minutes_comment(
        minutes=minutes,
        actor=don,
        text="I said the review process could be improved, not that it must be.",
        passage="**Don:** The review process could be improved",
        proposed="**Don:** The review process could be improved (a suggestion, not a demand)",
        at=at(21, 5, 15, 20),
    )
    services.minutes_apply_correction(comment=comment, actor=sarah, at=at(22, 5, 11, 0))
    minutes.refresh_from_db()
    if june.is_adjourned:  # a June meeting of an older demo: the approval by reference
        services.minutes_approve(
            minutes=minutes,
            actor=sarah,
            method=ApprovalMethod.MOTION,
            reference="Motion at the June 2014 meeting to approve the May 2014 minutes: "
            "carried 9–0–0",
            approval_meeting=june,
            at=JUNE_2014_START + dt.timedelta(minutes=7),
        )
    else:  # put on June's agenda; its carrying there approves them
        motion = approvals.minutes_put_to_board(
            minutes=minutes,
            actor=sarah,
            meeting=june,
            item=june.items.in_order().first(),
            method=Method.COUNTS,
        )
        _hold(june, people, "Minutes of the May 2014 meeting", motion=motion)
    services.minutes_publish(minutes=minutes, actor=sarah, at=at(20, 6, 9, 0))
    minutes.refresh_from_db()
    services.minutes_revise(
        minutes=minutes,
        text=minutes.text.replace(
            "Xen Project Hackathon in a week", "Xen Project Hackathon in London in a week"
        ),
        summary="Where the Hackathon was held",
        reason="The Hackathon's place was missing; Lars asked for it to be added.",
        actor=sarah,
        at=at(23, 6, 10, 0),
    )
    minutes.refresh_from_db()
    return minutes
