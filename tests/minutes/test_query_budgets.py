"""The minutes page and the list cost the same number of queries however much there is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services as meeting_services
from minutes import services
from minutes.models import ApprovalMethod, MinutesPolicy
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend
from tests.minutes.conftest import minutes_url

START = dt.datetime(2023, 1, 5, 16, tzinfo=dt.UTC)


def published_minutes(cast, index: int, *, comments: int, revisions: int):
    meeting = MeetingFactory(
        board=cast.board, title=f"M{index}", starts_at=START + dt.timedelta(days=30 * index)
    )
    AgendaItemFactory(meeting=meeting)
    attend(meeting, cast.alice, cast.victor, actor=cast.alice)
    meeting_services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    meeting_services.meeting_adjourn(
        meeting=meeting, actor=cast.alice, at=meeting.starts_at + dt.timedelta(hours=1)
    )
    minutes = services.minutes_generate(meeting=meeting, actor=cast.sam)
    services.minutes_circulate(minutes=minutes, actor=cast.sam)
    for n in range(comments):
        services.minutes_comment(minutes=minutes, actor=cast.victor, text=f"Comment {n}")
    services.minutes_approve(minutes=minutes, actor=cast.alice, method=ApprovalMethod.CHAIR)
    services.minutes_publish(minutes=minutes, actor=cast.sam)
    for n in range(revisions):
        minutes.refresh_from_db()
        services.minutes_revise(
            minutes=minutes,
            text=minutes.text + f"\nAddendum {n}.\n",
            summary=f"Addendum {n}",
            reason=f"Reason {n}",
            actor=cast.sam,
        )
    return minutes


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def board_public(cast):
    cast.board.minutes_public = True
    cast.board.save(update_fields=["minutes_public"])
    MinutesPolicy.objects.create(board=cast.board, chair_may_approve=True)


@pytest.mark.parametrize("reader", ["anonymous", "victor", "sam"])
def test_minutes_page_queries_do_not_grow(cast, client_for, board_public, reader):
    client = client_for(None if reader == "anonymous" else getattr(cast, reader))
    small = published_minutes(cast, 1, comments=1, revisions=1)
    large = published_minutes(cast, 2, comments=8, revisions=6)
    assert count(client, minutes_url(small)) == count(client, minutes_url(large))


@pytest.mark.parametrize("reader", ["anonymous", "victor", "sam"])
@pytest.mark.parametrize("name", ["minutes_list", "minutes_feed"])
def test_list_and_feed_queries_do_not_grow(cast, client_for, board_public, reader, name):
    client = client_for(None if reader == "anonymous" else getattr(cast, reader))
    url = reverse(f"minutes:{name}", args=[cast.board.slug])
    published_minutes(cast, 1, comments=0, revisions=0)
    few = count(client, url)
    for index in range(2, 6):
        published_minutes(cast, index, comments=1, revisions=1)
    assert count(client, url) == few


def test_revision_pages_queries_do_not_grow(cast, client_for, board_public):
    client = client_for(cast.sam)
    small = published_minutes(cast, 1, comments=0, revisions=1)
    large = published_minutes(cast, 2, comments=3, revisions=7)
    assert count(client, minutes_url(small, "revision_list")) == count(
        client, minutes_url(large, "revision_list")
    )
    assert count(client, minutes_url(small, "revision_compare", a=1, b=2)) == count(
        client, minutes_url(large, "revision_compare", a=1, b=8)
    )
