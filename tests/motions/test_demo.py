"""The demo's decisions: an open ballot Don can vote on; running the demo again adds nothing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.models import User
from motions import services
from motions.models import Choice, Method, Motion, Status, Vote
from motions.queries import awaiting_vote_of

pytestmark = pytest.mark.django_db


def test_demo_ballot_is_open_for_don_and_loading_again_adds_nothing():
    call_command("demo", no_serve=True)
    counts = (Motion.objects.count(), Vote.objects.count())
    call_command("demo", no_serve=True)
    assert (Motion.objects.count(), Vote.objects.count()) == counts
    ballot = Motion.objects.get(method=Method.BALLOT)
    assert ballot.status == Status.OPEN
    assert dt.timedelta(days=6) < ballot.closes_at - timezone.now() < dt.timedelta(days=8)
    don = User.objects.get(email="don.dugger@demo.boardroom.example")
    assert [entry.motion for entry in awaiting_vote_of(don, ballot.board)] == [ballot]
    services.vote_cast(motion=ballot, person=don, choice=Choice.FOR)
    assert ballot.participations.count() == 3


def test_may_2014_decisions_are_on_record_and_the_hackathon_request_names_its_motion():
    from budget.models import SpendingRequest

    call_command("demo", no_serve=True)
    hackathon = Motion.objects.get(text="Approve this expense, up to USD 3,000")
    assert (hackathon.method, hackathon.outcome) == (Method.COUNTS, "carried")
    assert (hackathon.votes_for, hackathon.quorum_present, hackathon.quorum_required) == (9, 9, 9)
    assert hackathon.meeting.title == "May 2014"
    assert hackathon.item.title == "Approve spending for Xen Project Hackathon"
    assert hackathon.meeting.started_at <= hackathon.closed_at <= hackathon.meeting.adjourned_at
    request = SpendingRequest.objects.get(title="Hackathon evening social event")
    assert request.motion == hackathon
    carry_over = Motion.objects.get(method=Method.WITHOUT_OBJECTION)
    assert carry_over.outcome == "carried" and carry_over.votes_for is None
