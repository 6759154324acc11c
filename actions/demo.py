"""The demo's actions, from the May 2014 minutes.

The May meeting's own actions ("Action Lars: ...", "Action Sarah: ...", "Action All: ...") are
typed into its record by `meetings.demo` and become actions through the console's line parser;
here "send questions to list" is marked done, as the minutes mark it. The minutes' "Action
Summary from last meeting" needs the April meeting those actions came from: it is recorded here,
with what happened to each action before 15 May (one in progress with its note, one open, two
done), so that May's summary reads as the minutes have it.

Loading is idempotent: an April meeting that exists is left alone, a done action stays done.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from actions import services
from actions.models import ActionItem, ActionStatus
from governance import services as governance_services
from governance.models import Board, Role, Seat, User
from meetings import services as meeting_services
from meetings.demo import LONDON, MAY_2014_START
from meetings.models import AttendanceStatus, ItemKind, Meeting

APRIL_2014_START = dt.datetime(2014, 4, 17, 16, 0, tzinfo=LONDON)
APRIL_2014_ATTENDEES = [
    "Sarah Conway",
    "Lars Kurth",
    "Don Dugger",
    "Antony Messerli",
    "Larry Wikelius",
    "Daniel Kiper",
    "Michelle P Dominijanni",
    "Mark Hinkle",
    "Demetrios Coulis",
    "Ian Pratt",
    "Richard Phelan",
]
# The minutes name Brian (at the Linux Foundation) without a surname.
BRIAN = ("Brian", "brian", "Linux Foundation", "America/Los_Angeles")


def _at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2014, month, day, hour, minute, tzinfo=LONDON)


def load(board: Board) -> None:
    people = {person.full_name: person for person in User.objects.filter(seats__board=board)}
    people["Brian"] = _brian(board)
    if not Meeting.objects.filter(board=board, starts_at=APRIL_2014_START).exists():
        load_april_2014(board, people)
    _send_questions_done(board, people)


def _brian(board: Board) -> User:
    from governance.demo import DEMO_PASSWORD, FOUNDED, email_for

    name, local_part, affiliation, zone = BRIAN
    person = User.objects.filter(email=email_for(local_part)).first()
    if person is None:
        person = governance_services.person_create(
            actor=None,
            email=email_for(local_part),
            full_name=name,
            password=DEMO_PASSWORD,
            affiliation=affiliation,
            timezone=zone,
        )
    if not Seat.objects.filter(board=board, person=person, role=Role.STAFF).exists():
        governance_services.seat_create(
            actor=None, board=board, person=person, role=Role.STAFF, starts_on=FOUNDED
        )
    return person


@transaction.atomic
def load_april_2014(board: Board, people: dict[str, User]) -> Meeting:
    chair, sarah = people["Lars Kurth"], people["Sarah Conway"]
    meeting = meeting_services.meeting_schedule(
        board=board,
        title="April 2014",
        starts_at=APRIL_2014_START,
        planned_end_at=APRIL_2014_START + dt.timedelta(minutes=60),
        location="Conference call",
        minute_taker=sarah,
        actor=chair,
    )
    details = meeting_services.ItemDetails
    media = meeting_services.agenda_item_add(
        meeting=meeting,
        details=details("Member and Media Updates", ItemKind.INFORMATION, 20, presenter=sarah),
        actor=chair,
    )
    analysts = meeting_services.agenda_item_add(
        meeting=meeting,
        details=details("Analyst Presentation", ItemKind.DISCUSSION, 20, presenter=sarah),
        actor=chair,
    )
    for name in APRIL_2014_ATTENDEES:
        meeting_services.attendance_mark(
            meeting=meeting, person=people[name], status=AttendanceStatus.PRESENT, actor=chair
        )
    meeting = meeting_services.meeting_start(
        meeting=meeting, actor=chair, at=APRIL_2014_START + dt.timedelta(minutes=2)
    )
    media.meeting = analysts.meeting = meeting

    def action(item, owner: str, text: str, minute: int) -> ActionItem:
        return services.action_record(
            board=board,
            description=text,
            owners=[people[owner]],
            item=item,
            said_as=f"Action {owner}: {text}",
            actor=chair,
            at=APRIL_2014_START + dt.timedelta(minutes=minute),
        )

    calxeda = action(media, "Sarah Conway", "Remove Calxeda from press boilerplate", 8)
    samsung = action(
        media,
        "Brian",
        "go back to Samsung and explain that there may be a media impact as Samsung was part "
        "of the launch press release",
        14,
    )
    meeting_services.agenda_item_open(
        item=analysts, actor=chair, at=APRIL_2014_START + dt.timedelta(minutes=22)
    )
    template = action(
        analysts,
        "Sarah Conway",
        "share a template and example for a Analysts Presentation with the AB (have to check NDAs)",
        30,
    )
    timeline = action(
        analysts,
        "Sarah Conway",
        "propose a working time-line/project plan for Analysts Presentation",
        36,
    )
    meeting_services.meeting_adjourn(
        meeting=meeting, actor=chair, at=APRIL_2014_START + dt.timedelta(minutes=55)
    )
    # Between the meetings, as May's summary reports it.
    services.action_update(action=calxeda, actor=sarah, status=ActionStatus.DONE, at=_at(24, 4, 17))
    services.action_update(
        action=template,
        actor=sarah,
        status=ActionStatus.IN_PROGRESS,
        note="shared with Lars, need to see which can be shared more widely (cover)",
        at=_at(2, 5, 18),
    )
    services.action_update(action=timeline, actor=sarah, status=ActionStatus.DONE, at=_at(8, 5, 19))
    del samsung  # open: nobody reported on it before May
    return meeting


def _send_questions_done(board: Board, people: dict[str, User]) -> None:
    """ "Sarah to send questions to list": done during the May meeting, as the minutes say."""
    action = (
        ActionItem.objects.filter(
            board=board,
            meeting__starts_at=MAY_2014_START,
            description__startswith="Sarah to send questions to list",
        )
        .prefetch_related("owners")
        .first()
    )
    if action is None or action.status == ActionStatus.DONE:
        return
    services.action_update(
        action=action,
        actor=people["Sarah Conway"],
        status=ActionStatus.DONE,
        note="Sent to the list.",
        at=action.created_at + dt.timedelta(minutes=1),
    )
