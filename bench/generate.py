"""The benchmark's data: "one board" (the demo) or "large", built the same way every time.

    DATABASE_URL=... SECRET_KEY=... BENCH=1 python -m bench.generate small manifest.json

Runs inside Django, against a migrated, empty database; `python -m bench` calls it. Deterministic:
one seeded random generator, and dates counted from today. The large board is written with
`bulk_create` (the services' one-row-at-a-time path would take an hour; nothing here is a change
a person made, so nothing is audited). It writes a manifest (JSON) of what the load needs: the
pages to read, logged-in sessions, the live meeting's URLs and the watchers' sessions.

Sizes:
  small   the demo board (Xen Project AB, May 2014) as `manage.py demo` loads it, plus a meeting in
          progress (8 items x 5 notes) for the watching and writing scenarios.
  large   2,000 voting organisations (500 with an alternate), 10 years of monthly meetings of
          60 agenda items x 20 notes (200 present at each), 10 budget years, the last with 500
          lines, and a meeting in progress of 60 items x 20 notes with 500 members present.
  quick   "large" cut down (200 organisations, 12 meetings of 20 x 5) so CI can run the growth
          scenario in seconds.

The large board also holds 20,000 action items and 1,000 decided motions over its past meetings
(bench/history.py; the cut-down board a tenth of each).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import sys
import time
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench import history, voting

SEED = 14
LONDON = zoneinfo.ZoneInfo("Europe/London")
ZONES = ["Europe/London", "America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Tokyo"]
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    organisations: int
    alternates_every: int  # one alternate per this many organisations
    years: int
    items: int
    notes: int
    present: int  # attendance at each past meeting
    live_items: int
    live_notes: int
    live_present: int
    budget_lines: int  # in the latest year; earlier years get a tenth
    actions: int  # action items raised over the past meetings
    motions: int  # motions decided over the past meetings


SCALES = {
    "large": Scale(2000, 4, 10, 60, 20, 200, 60, 20, 500, 500, 20_000, 1_000),
    "quick": Scale(200, 4, 1, 20, 5, 40, 20, 5, 100, 50, 2_000, 100),
}

SENTENCES = [
    "makes the point that the release process needs a second reviewer",
    "asks whether the test lab can be shared with the new members",
    "notes that the budget line for events is under-spent this quarter",
    "reports that the security team answered within the embargo period",
    "proposes to revisit the roadmap at the next face-to-face meeting",
    "says the marketing plan will be circulated with the minutes",
    "agrees to follow up with the working group before the vote",
    "points out that the hackathon venue needs confirming by Friday",
]


def main(argv: list[str]) -> None:
    """`sizes` is comma-separated: several boards may share one database (`--quick` does)."""
    sizes, manifest_path = argv[0].split(","), Path(argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()
    add_fortunes()
    manifests = {}
    for size in sizes:
        started = time.monotonic()
        rng = random.Random(SEED)
        manifest = build_small(rng) if size == "small" else build_large(rng, SCALES[size])
        manifest["built_seconds"] = round(time.monotonic() - started, 1)
        manifests[size] = manifest
    analyze()
    manifest_path.write_text(json.dumps(manifests, indent=1))


def analyze() -> None:
    """Give the planner the tables' statistics, as a database that has been running a while
    has them: rows written in bulk leave none until autovacuum (off on some machines) comes
    round, and without them the planner guesses (nested loops over a hundred meetings)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# -- Shared pieces ---------------------------------------------------------------------------


def add_fortunes() -> None:
    from bench.models import Fortune

    messages = [
        "fortune: No such file or directory",
        "A computer scientist is someone who fixes things that aren't broken.",
        "After enough decimal places, nobody gives a damn.",
        "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
        "A computer program does what you tell it to do, not what you want it to do.",
        "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
        "Any program that runs right is obsolete.",
        "A list is only as strong as its weakest link. — Donald Knuth",
        "Feature: A bug with seniority.",
        "Computers make very fast, very accurate mistakes.",
        '<script>alert("This should not be displayed in a browser alert box.");</script>',
        "フレームワークのベンチマーク",
    ]
    Fortune.objects.bulk_create(Fortune(message=message) for message in messages)


def session_for(user) -> str:
    """A logged-in session cookie for `user`, made as the test client's force_login makes it.

    Where officers must give a second factor (django-otp), an officer's session is one that gave
    it, with a device made for the purpose (each of their requests then checks the device: one
    query); members, for whom it is optional, sign in without one, as most do. The benchmark
    measures the pages, not the sign-in.
    """
    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    from governance import two_factor

    if apps.is_installed("django_otp.plugins.otp_static") and two_factor.required_for(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="benchmark", defaults={"confirmed": True}
        )
        session = SessionStore(session_key=key)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return key


def live_meeting(
    board, *, chair, minute_taker, attendees, items: int, notes: int, done: int, minutes_ago=30
):
    """A meeting that started `minutes_ago` minutes ago: `done` items finished, the next one
    current."""
    from django.utils import timezone

    from meetings.models import (
        AgendaItem,
        Attendance,
        AttendanceStatus,
        Meeting,
        MeetingStatus,
        Presence,
    )
    from meetings.services import _quorum_rule_kept

    now = timezone.now().replace(microsecond=0)
    started = now - dt.timedelta(minutes=minutes_ago)
    meeting = Meeting.objects.create(
        board=board,
        title="Benchmark meeting in progress",
        starts_at=started,
        planned_end_at=started + dt.timedelta(hours=2),
        location="Conference call",
        status=MeetingStatus.IN_PROGRESS,
        chair=chair,
        minute_taker=minute_taker,
        started_at=started,
    )
    attendances = Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person=person,
            organisation=organisation,
            organisation_name=organisation.name if organisation else "",
            role=role,
            status=AttendanceStatus.PRESENT,
        )
        for person, organisation, role in attendees
    )
    # Everyone from the opening, one stretch each, as the roll call records them.
    Presence.objects.bulk_create(Presence(attendance=attendance) for attendance in attendances)
    step = dt.timedelta(minutes=30) / (done + 1)
    agenda = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position + 1,
            title=f"Item {position + 1}: {SENTENCES[position % len(SENTENCES)][:60]}",
            planned_minutes=10,
            started_at=started + step * position if position <= done else None,
            ended_at=started + step * (position + 1) if position < done else None,
        )
        for position in range(items)
    )
    write_notes(agenda[: done + 1], attendances, notes, started, step)
    meeting.current_item = agenda[done]
    meeting.live_version = 1 + (done + 1) * notes
    # The rule it started under, kept on it as starting it through the service keeps it.
    kept = _quorum_rule_kept(meeting)
    meeting.save(update_fields=["current_item", "live_version", *kept])
    return meeting, agenda, attendances


def write_notes(items, attendances, per_item: int, start: dt.datetime, step: dt.timedelta) -> int:
    from governance.models import User
    from meetings.models import Note

    author = User.objects.filter(pk=items[0].meeting.minute_taker_id).first() if items else None
    rows = []
    for index, item in enumerate(items):
        for number in range(per_item):
            speaker = attendances[(index * per_item + number) % len(attendances)]
            rows.append(
                Note(
                    item=item,
                    speaker=speaker,
                    text=f"{speaker.person.first_name} {SENTENCES[(index + number) % 8]}.",
                    recorded_at=start + step * index + step * number / per_item,
                    author=author,
                )
            )
    Note.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def watcher_sessions(people) -> list[str]:
    """One signed-in session per watching member: the live poll signs in like every page."""
    return [session_for(person) for person in people]


# -- One board: the demo ---------------------------------------------------------------------


def build_small(rng: random.Random) -> dict:
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from budget.models import FiscalYear, SpendingRequest
    from governance.demo import DEMO_BOARD_SLUG, load_board
    from governance.management.commands.demo import DEMO_LOADERS
    from governance.models import Board, Role, Seat
    from meetings.demo import MAY_2014_START
    from meetings.models import Meeting

    # What `manage.py demo` loads, without its migrate (the database is migrated already).
    board = load_board()
    for dotted_path in DEMO_LOADERS:
        import_string(dotted_path)(board)
    board = Board.objects.get(slug=DEMO_BOARD_SLUG)
    today = timezone.localdate()
    seats = list(
        Seat.objects.current(today).filter(board=board).select_related("person", "organisation")
    )
    chair = next(seat.person for seat in seats if seat.role == Role.CHAIR)
    secretary = next(seat.person for seat in seats if seat.role == Role.SECRETARY)
    member = next(seat.person for seat in seats if seat.role == Role.VOTING)
    representatives = {
        seat.person_id: seat for seat in seats if seat.role in (Role.VOTING, Role.ALTERNATE)
    }
    attendees = [(chair, None, Role.CHAIR)] + [
        (seat.person, seat.organisation, seat.role) for seat in representatives.values()
    ]
    meeting, agenda, attendances = live_meeting(
        board, chair=chair, minute_taker=secretary, attendees=attendees, items=8, notes=5, done=2
    )
    may = Meeting.objects.get(board=board, starts_at=MAY_2014_START)
    year = FiscalYear.objects.get(board=board, year=2014)
    request = SpendingRequest.objects.filter(line__fiscal_year=year).order_by("pk").first()
    watchers = [seat.person for seat in representatives.values()]
    return manifest_for(
        board=board,
        member=member,
        chair=chair,
        secretary=secretary,
        meeting=may,
        year=year,
        request=request,
        live=meeting,
        agenda=agenda,
        attendances=attendances,
        watchers=watchers,
    )


# -- Large -----------------------------------------------------------------------------------


def build_large(rng: random.Random, scale: Scale) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from governance.models import Board, MembershipClass, Organisation, QuorumRule, Role, Seat
    from governance.models import User as Person

    today = timezone.localdate()
    founded = dt.date(today.year - scale.years - 1, 1, 1)
    password = make_password("boardroom-demo")
    with transaction.atomic():
        board = Board.objects.create(
            name="Large Board",
            slug="large-board",
            timezone="Europe/London",
            quorum_rule=QuorumRule.FIXED,
            quorum_count=max(2, scale.organisations // 20),
        )
        classes = MembershipClass.objects.bulk_create(
            MembershipClass(board=board, name=name, order=order)
            for order, name in enumerate(["Platinum", "Gold", "Silver", "Associate"], start=1)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                board=board,
                name=f"Organisation {number:04d}",
                short_name=f"Org{number:04d}",
                membership_class=classes[number % len(classes)],
                joined_on=founded,
            )
            for number in range(1, scale.organisations + 1)
        )

        def person(email: str, name: str) -> Person:
            return Person(
                email=email, full_name=name, password=password, timezone=rng.choice(ZONES)
            )

        chair = person("chair@large.example", "Chris Chair")
        secretary = person("secretary@large.example", "Sasha Secretary")
        voters = [
            person(f"voter{n:04d}@large.example", f"Voter {n:04d} {rng.choice(SURNAMES)}")
            for n in range(1, scale.organisations + 1)
        ]
        alternates = [
            person(f"alternate{n:04d}@large.example", f"Alternate {n:04d} {rng.choice(SURNAMES)}")
            for n in range(1, scale.organisations + 1, scale.alternates_every)
        ]
        Person.objects.bulk_create([chair, secretary, *voters, *alternates], batch_size=BATCH)
        seats = [
            Seat(board=board, person=chair, role=Role.CHAIR, starts_on=founded),
            Seat(board=board, person=secretary, role=Role.SECRETARY, starts_on=founded),
            Seat(board=board, person=secretary, role=Role.STAFF, starts_on=founded),
        ]
        seats += [
            Seat(
                board=board,
                person=voter,
                organisation=organisation,
                role=Role.VOTING,
                starts_on=founded,
            )
            for voter, organisation in zip(voters, organisations, strict=True)
        ]
        seats += [
            Seat(
                board=board,
                person=alternate,
                organisation=organisations[index * scale.alternates_every],
                role=Role.ALTERNATE,
                starts_on=founded,
            )
            for index, alternate in enumerate(alternates)
        ]
        Seat.objects.bulk_create(seats, batch_size=BATCH)
        past = past_meetings(board, rng, scale, chair, secretary, voters, organisations)
        decided = history.build(
            board,
            rng,
            actions=scale.actions,
            motions=scale.motions,
            voters=voters,
            secretary=secretary,
            today=today,
        )
        year, request = budget_years(board, scale, secretary)
        present = [(chair, None, Role.CHAIR)] + [
            (voters[index], organisations[index], Role.VOTING)
            for index in range(scale.live_present)
        ]
        live, agenda, attendances = live_meeting(
            board,
            chair=chair,
            minute_taker=secretary,
            attendees=present,
            items=scale.live_items,
            notes=scale.live_notes,
            done=scale.live_items // 2,
        )
        vote = voting.build(
            board,
            chair=chair,
            secretary=secretary,
            representatives=list(zip(voters, organisations, strict=True)),
            live_meeting=live_meeting,
        )
        circulated_minutes(past, secretary)
    manifest = manifest_for(
        board=board,
        member=voters[0],
        chair=chair,
        secretary=secretary,
        meeting=past,
        year=year,
        request=request,
        live=live,
        agenda=agenda,
        attendances=attendances,
        watchers=voters[: scale.live_present],
    )
    manifest["vote"] = vote
    manifest["counts"]["votes_stored"] = decided["votes"]
    return manifest


def circulated_minutes(meeting, secretary) -> None:
    """The minutes of the large board's last meeting, written from its record and circulated,
    as members read them before the next meeting."""
    from minutes import services

    minutes = services.minutes_generate(meeting=meeting, actor=secretary)
    services.minutes_circulate(minutes=minutes, actor=secretary)


SURNAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Kaur", "Byrne", "Rossi"]


def past_meetings(board, rng, scale: Scale, chair, secretary, voters, organisations):
    """Monthly meetings for `scale.years` years, adjourned, each with its full record."""
    from django.utils import timezone

    from governance.models import Role
    from meetings.models import (
        AgendaItem,
        Attendance,
        AttendanceStatus,
        Meeting,
        MeetingStatus,
        Presence,
    )

    today = timezone.localdate()
    months = []
    for back in range(scale.years * 12, 0, -1):
        month = (today.month - 1 - back) % 12 + 1
        year = today.year + (today.month - 1 - back) // 12
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)  # third Thursday
        months.append(dt.datetime.combine(day, dt.time(16, 0), tzinfo=LONDON))
    # Each kept the rule it started under (the board's founding rule: no change is dated).
    kept = {
        "quorum_required": board.quorum_required(scale.organisations),
        "quorum_rule_text": board.describe_quorum_rule(),
        "quorum_voting_basis": board.voting_basis,
    }
    meetings = Meeting.objects.bulk_create(
        Meeting(
            **kept,
            board=board,
            title=f"{starts:%B %Y}",
            starts_at=starts,
            planned_end_at=starts + dt.timedelta(hours=2),
            location="Conference call",
            status=MeetingStatus.ADJOURNED,
            chair=chair,
            minute_taker=secretary,
            started_at=starts + dt.timedelta(minutes=2),
            adjourned_at=starts + dt.timedelta(minutes=118),
            live_version=1 + scale.items * scale.notes,
        )
        for starts in months
    )
    attendances = Attendance.objects.bulk_create(
        (
            Attendance(
                meeting=meeting,
                person=voters[index],
                organisation=organisations[index],
                organisation_name=organisations[index].name,
                role=Role.VOTING,
                status=AttendanceStatus.PRESENT,
            )
            for meeting in meetings
            for index in sorted(rng.sample(range(len(voters)), scale.present))
        ),
        batch_size=BATCH,
    )
    Presence.objects.bulk_create(
        (Presence(attendance=attendance) for attendance in attendances), batch_size=BATCH
    )
    by_meeting: dict[int, list] = {}
    for attendance in attendances:
        by_meeting.setdefault(attendance.meeting_id, []).append(attendance)
    step = dt.timedelta(minutes=110) / scale.items
    items = AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                meeting=meeting,
                position=position + 1,
                title=f"Item {position + 1}: {SENTENCES[position % len(SENTENCES)][:60]}",
                planned_minutes=10,
                summary="Agreed; the secretary circulates the outcome.",
                started_at=meeting.started_at + step * position,
                ended_at=meeting.started_at + step * (position + 1),
            )
            for meeting in meetings
            for position in range(scale.items)
        ),
        batch_size=BATCH,
    )
    for meeting in meetings:
        mine = [item for item in items if item.meeting_id == meeting.pk]
        for item in mine:
            item.meeting = meeting
        write_notes(mine, by_meeting[meeting.pk], scale.notes, meeting.started_at, step)
    return meetings[-1]


def budget_years(board, scale: Scale, secretary):
    """A fiscal year per calendar year; the current one has `budget_lines` lines, each with an
    approved request (one cost item) and two payments; earlier years a tenth as many lines."""
    from django.utils import timezone

    from budget.models import (
        BudgetLine,
        Category,
        CostItem,
        FiscalYear,
        Payment,
        RequestStatus,
        SpendingRequest,
        YearStatus,
    )

    this_year = timezone.localdate().year
    categories = Category.values
    latest = request = None
    for year_number in range(this_year - scale.years + 1, this_year + 1):
        current = year_number == this_year
        year = FiscalYear.objects.create(
            board=board,
            year=year_number,
            starts_on=dt.date(year_number, 1, 1),
            ends_on=dt.date(year_number, 12, 31),
            currency="USD",
            status=YearStatus.APPROVED if current else YearStatus.CLOSED,
        )
        count = scale.budget_lines if current else max(1, scale.budget_lines // 10)
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(
                fiscal_year=year,
                category=categories[number % len(categories)],
                title=f"Line {number:04d}",
                planned=Decimal("1000.00") + number,
            )
            for number in range(count)
        )
        requests = SpendingRequest.objects.bulk_create(
            SpendingRequest(
                line=line,
                title=f"Request for {line.title}",
                currency="USD",
                status=RequestStatus.APPROVED,
                approved_amount=Decimal("600.00"),
                approved_on=dt.date(year_number, 3, 1),
                approved_by="Large Board",
                requested_by=secretary,
            )
            for line in lines
        )
        CostItem.objects.bulk_create(
            CostItem(request=spending, description="Venue and catering", unit_cost=Decimal(550))
            for spending in requests
        )
        Payment.objects.bulk_create(
            Payment(
                line_id=spending.line_id,
                request=spending,
                paid_on=dt.date(year_number, 5, 1 + part),
                amount=Decimal("123.45"),
                currency="USD",
                base_amount=Decimal("123.45"),
                recorded_by=secretary,
            )
            for spending in requests
            for part in range(2)
        )
        latest, request = year, requests[-1]
    return latest, request


# -- The manifest ----------------------------------------------------------------------------


def manifest_for(
    *, board, member, chair, secretary, meeting, year, request, live, agenda, attendances, watchers
) -> dict:
    from django.urls import reverse

    from actions.models import ActionItem
    from budget.models import BudgetLine
    from meetings.models import Meeting, Note
    from meetings.views import live_url_for
    from motions.models import Motion

    slug = board.slug
    live = Meeting.objects.get(pk=live.pk)
    return {
        "board": slug,
        "pages": {
            "dashboard": reverse("dashboard", args=[slug]),
            "meetings": reverse("meetings:meeting_list", args=[slug]),
            "meeting": reverse("meetings:meeting_detail", args=[slug, meeting.pk]),
            "members": reverse("members_directory", args=[slug]),
            "budget": reverse("budget:year_overview", args=[slug, year.year]),
            "request": reverse("budget:request_detail", args=[slug, request.pk]),
            "workbook": reverse("budget:year_export_xlsx", args=[slug, year.year]),
            "minutes": reverse("minutes:minutes_detail", args=[slug, meeting.pk]),
            "actions": reverse("actions:my_actions", args=[slug]),
            "motions": reverse("motions:motion_list", args=[slug]),
        },
        "sessions": {
            "member": session_for(member),
            "chair": session_for(chair),
            "secretary": session_for(secretary),
        },
        "csrf": secrets.token_hex(16),  # a 32-character secret: cookie and header alike
        "live": {
            "meeting": live.pk,
            "version": live.live_version,
            "console": reverse("meetings:live_console", args=[slug, live.pk]),
            "note": reverse("meetings:console_note", args=[slug, live.pk, 0]).replace(
                "/0/", "/{item}/"
            ),
            "next": reverse("meetings:console_next_item", args=[slug, live.pk]),
            "attendance": reverse("meetings:console_attendance", args=[slug, live.pk]),
            "items": [item.pk for item in agenda],
            "current": live.current_item_id,
            "roll": [attendance.person_id for attendance in attendances[1:]],
            "poll": live_url_for(live),
            "watchers": watcher_sessions(watchers),
        },
        "counts": {
            "meetings": Meeting.objects.filter(board=board).count(),
            "notes": Note.objects.filter(item__meeting__board=board).count(),
            "organisations": board.organisations.count(),
            "budget_lines_in_year": BudgetLine.objects.filter(fiscal_year=year).count(),
            "actions": ActionItem.objects.filter(board=board).count(),
            "motions": Motion.objects.filter(board=board).count(),
        },
    }


if __name__ == "__main__":
    main(sys.argv[1:])
