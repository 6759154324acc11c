"""Meetings for tests: a meeting on the cast's board, agenda items, and a quick way to attend."""

import datetime as dt

import factory

from meetings import services
from meetings.models import AgendaItem, AttendanceStatus, ItemKind, Meeting, Note
from tests.factories import BoardFactory

MEETING_START = dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.Sequence(lambda n: MEETING_START + dt.timedelta(minutes=n))
    location = "Conference call"
    # A status given by a test comes with the times it implies (the database insists).
    started_at = factory.LazyAttribute(
        lambda m: None if m.status in ("", "scheduled") else m.starts_at
    )
    adjourned_at = factory.LazyAttribute(
        lambda m: m.starts_at + dt.timedelta(hours=2) if m.status == "adjourned" else None
    )
    status = "scheduled"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    kind = ItemKind.DISCUSSION
    planned_minutes = 10


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    item = factory.SubFactory(AgendaItemFactory)
    text = factory.Sequence(lambda n: f"Statement number {n}.")


def attend(meeting, *people, actor=None, at=None):
    """Mark each of `people` present (through the service, so the snapshot is taken)."""
    return [
        services.attendance_mark(
            meeting=meeting, person=person, status=AttendanceStatus.PRESENT, actor=actor, at=at
        )
        for person in people
    ]


def started_meeting(board, *, with_items=1, actor=None, at=None):
    # Started when it was scheduled: starting far from the schedule asks to confirm.
    meeting = MeetingFactory(board=board, **({"starts_at": at} if at else {}))
    for index in range(with_items):
        AgendaItemFactory(meeting=meeting, position=index + 1, title=f"Item {index + 1}")
    return services.meeting_start(meeting=meeting, actor=actor, at=at or meeting.starts_at)
