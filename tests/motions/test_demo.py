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
