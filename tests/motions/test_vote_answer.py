"""The answer to a vote (htmx) is the "Your vote" box as the vote left it. A live vote for the
voter's own unit is answered from what the vote read under its locks; a vote cast as proxy, and a
ballot (which may close itself), are answered by reading the box again. Either way it must say
what is now on record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.queries import organisation_unit_key
from motions import services
from motions.models import Choice, Method, Status
from tests.motions.conftest import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(proxied_meeting):
    return proxied_meeting


def vote(client_for, person, motion, **data):
    url = reverse("motions:motion_vote", args=[motion.board.slug, motion.pk])
    response = client_for(person).post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_a_live_vote_is_answered_with_the_choice_on_record(cast, meeting, client_for):
    motion = opened(cast, meeting)
    box = vote(client_for, cast.victor, motion, choice="against", dissent="1")
    assert "You vote for <strong>Acme Corporation</strong>" in box
    assert "On record: <strong data-my-vote>Against</strong>, with your dissent minuted" in box
    assert 'vote-against is-chosen" aria-pressed="true"' in box
    box = vote(client_for, cast.victor, motion, choice="for")
    assert "On record: <strong data-my-vote>For</strong>." in box
    assert "dissent minuted" not in box


def test_a_secret_vote_is_answered_without_showing_the_choice(cast, meeting, client_for):
    motion = opened(cast, meeting, secret=True)
    box = vote(client_for, cast.victor, motion, choice="against")
    assert "Its vote is cast (secret: it is not shown back)" in box
    assert "is-chosen" not in box


def test_a_proxy_holder_is_answered_with_her_own_units_standing(cast, meeting, client_for):
    """Greta votes Globex for, then Initech (as proxy) against: the box still reads Globex's
    vote, For, and offers Initech's form again."""
    motion = opened(cast, meeting)
    box = vote(client_for, cast.greta, motion, choice="for")
    assert "You vote for <strong>Globex</strong>" in box
    assert "you also hold <strong>Initech</strong>" in box
    initech = organisation_unit_key(cast.initech.pk)
    box = vote(client_for, cast.greta, motion, choice="against", unit=initech)
    assert "You vote for <strong>Globex</strong>" in box
    assert "On record: <strong data-my-vote>For</strong>" in box
    assert "you also hold <strong>Initech</strong>" in box


def test_a_proxy_holders_first_vote_as_proxy_leaves_her_own_unit_not_yet_voted(
    cast, meeting, client_for
):
    motion = opened(cast, meeting)
    initech = organisation_unit_key(cast.initech.pk)
    box = vote(client_for, cast.greta, motion, choice="against", unit=initech)
    assert "You vote for <strong>Globex</strong>" in box
    assert "On record" not in box


def test_the_vote_that_completes_a_ballot_is_answered_with_the_ballot_closed(cast, client_for):
    ballot = opened(
        cast,
        method=Method.BALLOT,
        text="Adopt the survey",
        closes_at=timezone.now() + dt.timedelta(days=7),
    )
    for person in (cast.victor, cast.greta):
        services.vote_cast(motion=ballot, person=person, choice=Choice.FOR)
    box = vote(client_for, cast.ivan, ballot, choice="for")
    ballot.refresh_from_db()
    assert ballot.status == Status.CLOSED
    assert "Your vote" not in box
    assert 'name="choice"' not in box
