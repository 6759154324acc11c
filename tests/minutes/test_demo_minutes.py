"""The demo's minutes: April and May 2014 approved and published, May with its revisions and a
correction after publication, and the Cavium news public now but not before 3 June 2014."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from minutes.models import Minutes, MinutesStatus

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def demo(db):
    call_command("demo", no_serve=True)
    return Minutes.objects.select_related("meeting__board")


def test_demo_minutes_are_approved_published_and_revised(demo):
    april = demo.get(meeting__title="April 2014")
    may = demo.get(meeting__title="May 2014")
    assert april.status == may.status == MinutesStatus.PUBLISHED
    assert april.approval_method == "chair"
    assert may.approval_method == "motion" and may.approval_meeting.title == "June 2014"
    # Approved by a real motion on June's agenda, carried 9–0–0 there, and linked.
    assert may.approval_motion.item.meeting == may.approval_meeting
    assert may.approval_motion.item.title == "Minutes of the May 2014 meeting"
    assert (may.approval_motion.votes_for, may.approval_motion.votes_against) == (9, 0)
    assert may.approval_reference.endswith("carried at June 2014 (9–0–0)")
    revisions = list(may.revisions.order_by("number"))
    assert len(revisions) >= 3
    assert revisions[-1].is_after_publication and revisions[-1].reason
    assert "| May 2014 | 904 |" in may.text


def test_running_the_demo_again_adds_nothing(demo):
    counts = (demo.count(), sum(m.revision_count for m in demo))
    call_command("demo", no_serve=True)
    assert (Minutes.objects.count(), sum(m.revision_count for m in Minutes.objects.all())) == counts


def test_cavium_news_is_public_now_and_not_before_3_june_2014(demo):
    may = demo.get(meeting__title="May 2014")
    url = reverse("minutes:minutes_markdown", args=[may.meeting.board.slug, may.meeting_id])
    with time_machine.travel(dt.datetime(2014, 6, 2, 23, 59, tzinfo=LONDON), tick=False):
        before = Client().get(url).text
    with time_machine.travel(dt.datetime(2014, 6, 3, 0, 0, tzinfo=LONDON), tick=False):
        on_the_day = Client().get(url).text
    now = Client().get(url).text
    assert "Cavium" not in before and "Project Thunder" not in before
    assert "Larry Wikelius" in before
    for text in (on_the_day, now):
        assert (
            "Cavium joined the Xen Project" in text and "Larry Wikelius (voting) — Cavium" in text
        )
