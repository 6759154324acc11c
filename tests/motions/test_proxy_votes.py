"""A proxy casts the vote of the unit it holds; the unit's absent representative cannot; one vote
per unit stays a database rule whoever casts it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.models import Attendance
from meetings.queries import organisation_unit_key
from motions import services
from motions.errors import NotEntitled
from motions.models import Choice, Vote
from tests.meetings.factories import attend
from tests.motions.conftest import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(proxied_meeting):
    return proxied_meeting


def test_proxy_casts_the_units_vote(cast, meeting):
    motion = opened(cast, meeting)
    unit = organisation_unit_key(cast.initech.pk)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR)  # her own: Globex
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.AGAINST, unit_key=unit)
    votes = {v.unit_key: (v.choice, v.cast_by) for v in Vote.objects.filter(motion=motion)}
    assert votes == {
        organisation_unit_key(cast.globex.pk): (Choice.FOR, cast.greta),
        unit: (Choice.AGAINST, cast.greta),
    }


def test_absent_representative_cannot_vote_while_the_proxy_holds(cast, meeting):
    motion = opened(cast, meeting)
    with pytest.raises(NotEntitled):
        services.vote_cast(motion=motion, person=cast.ivan, choice=Choice.FOR)
    assert not Vote.objects.filter(motion=motion).exists()


def test_representative_who_arrives_votes_and_the_proxy_no_longer_can(cast, meeting):
    motion = opened(cast, meeting)
    attend(meeting, cast.ivan)
    unit = organisation_unit_key(cast.initech.pk)
    with pytest.raises(NotEntitled, match="do not hold that vote"):
        services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR, unit_key=unit)
    services.vote_cast(motion=motion, person=cast.ivan, choice=Choice.AGAINST)
    assert Vote.objects.get(motion=motion, unit_key=unit).cast_by == cast.ivan


def test_a_vote_for_a_unit_not_held_is_refused(cast, meeting):
    motion = opened(cast, meeting)
    with pytest.raises(NotEntitled):
        services.vote_cast(
            motion=motion,
            person=cast.victor,
            choice=Choice.FOR,
            unit_key=organisation_unit_key(cast.initech.pk),
        )


def test_one_current_vote_per_unit_stays_a_database_rule(cast, meeting):
    motion = opened(cast, meeting)
    unit = organisation_unit_key(cast.initech.pk)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR, unit_key=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            motion=motion,
            unit_key=unit,
            organisation=cast.initech,
            choice=Choice.AGAINST,
            cast_by=cast.greta,
            is_current=True,
        )


def test_the_motion_page_offers_the_proxy_vote(cast, meeting, client_for):
    motion = opened(cast, meeting)
    page = client_for(cast.greta).get(motion.get_absolute_url()).text
    assert "As proxy, you also hold <strong>Initech</strong>" in page
    response = client_for(cast.greta).post(
        reverse("motions:motion_vote", args=[cast.board.slug, motion.pk]),
        {"choice": "for", "unit": organisation_unit_key(cast.initech.pk)},
    )
    assert response.status_code == 302
    assert Vote.objects.get(motion=motion).unit_key == organisation_unit_key(cast.initech.pk)
    assert Attendance.objects.filter(meeting=meeting, person=cast.ivan).count() == 0
