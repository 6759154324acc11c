"""A vote reads only the rows that decide the voter's units (`vote_holders_around`), and finds
exactly what the whole meeting's `vote_holders_at` finds for that person."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Role, VotingBasis
from meetings import services as meeting_services
from meetings.proxies import proxy_name
from meetings.queries import vote_holders_around, vote_holders_at
from tests.factories import SEATED_FROM, OrganisationFactory, SeatFactory, UserFactory
from tests.meetings.factories import MeetingFactory, attend
from tests.motions.conftest import opened

pytestmark = pytest.mark.django_db


def held(holders, person):
    return {
        key: (h.unit_label, h.by_proxy) for key, h in holders.items() if h.person_id == person.pk
    }


@pytest.mark.parametrize("basis", [VotingBasis.ORGANISATION, VotingBasis.PERSON])
def test_around_agrees_with_the_whole_meeting_for_everyone(cast, basis):
    """Alternates with and without their representative, a proxy across organisations, a
    departure: each attendee holds the same units either way, before and after."""
    board = cast.board
    board.voting_basis = basis
    board.proxies_from_other_organisations = True
    board.save()
    start = timezone.now() - dt.timedelta(hours=1)
    meeting = MeetingFactory(board=board, starts_at=start)
    proxy_name(meeting=meeting, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan)
    meeting = meeting_services.meeting_start(meeting=meeting, actor=cast.alice, at=start)
    people = [cast.alice, cast.victor, cast.alan, cast.greta, cast.nora]
    attend(meeting, *people, at=start)
    moments = [None, start + dt.timedelta(minutes=1)]
    for person in people:
        for at in moments:
            assert held(vote_holders_around(meeting, person, at), person) == held(
                vote_holders_at(meeting, at), person
            ), (basis, person, at)
    # Victor leaves: Alan (Acme's alternate) now holds Acme's vote, in both answers.
    victor = meeting.attendances.get(person=cast.victor)
    meeting_services.attendance_depart(attendance=victor, actor=cast.alice)
    for person in people:
        assert held(vote_holders_around(meeting, person), person) == held(
            vote_holders_at(meeting), person
        ), (basis, person)


def test_a_vote_asks_the_same_questions_whatever_the_meetings_size(cast):
    """Casting a vote in a meeting of 3 and in a meeting of 43: the same statements, and the
    voter's units are read from their own organisation's rows (the query names Globex's id),
    not from every attendance."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for index, others in enumerate((0, 40)):
        start = timezone.now() - dt.timedelta(hours=1 + index)
        meeting = MeetingFactory(board=cast.board, starts_at=start)
        meeting = meeting_services.meeting_start(meeting=meeting, actor=cast.alice, at=start)
        extra = []
        for number in range(others):
            organisation = OrganisationFactory(board=cast.board, name=f"Member {index}-{number}")
            person = UserFactory(
                full_name=f"Rep {index} {number}", email=f"rep{index}-{number}@example.org"
            )
            SeatFactory(
                board=cast.board,
                person=person,
                organisation=organisation,
                role=Role.VOTING,
                starts_on=SEATED_FROM,
            )
            extra.append(person)
        attend(meeting, cast.alice, cast.victor, cast.greta, *extra, at=start)
        motion = opened(cast, meeting)
        client = Client()
        client.force_login(cast.greta)
        url = reverse("motions:motion_vote", args=[cast.board.slug, motion.pk])
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {"choice": "for"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        around = [
            q["sql"]
            for q in captured.captured_queries
            if "meetings_attendance" in q["sql"] and "IN (SELECT" in q["sql"]
        ]
        assert around, "the vote did not read the voter's units from their rows alone"
    # Session, user, the seats with the board, the motion; in the test's transaction a
    # savepoint and its release; the voter's stretches with their attendances, the unit's row
    # claimed under the motion's shared lock, the vote (on SQLite the earlier one retired by a
    # statement of its own), the audit row. The "Your vote" box is answered from what the vote
    # read: 10 on PostgreSQL, 11 on SQLite (test_vote_statements counts as the bench does).
    assert counts[0] == counts[1] == (10 if connection.vendor == "postgresql" else 11), counts


def test_around_reads_one_query_and_the_proxies_only_for_their_holder(
    cast, proxied_meeting, django_assert_num_queries
):
    """The stretches with their attendances in one query (and whether the voter holds a
    proxy); the proxies themselves only for Greta, who holds Initech's. Victor, who left and
    came back, holds Acme now and not while he was out."""
    meeting = proxied_meeting
    victor = meeting.attendances.get(person=cast.victor)
    out = timezone.now() - dt.timedelta(minutes=30)
    meeting_services.attendance_depart(attendance=victor, actor=cast.alice, at=out)
    meeting_services.attendance_return(
        attendance=victor, actor=cast.alice, at=out + dt.timedelta(minutes=10)
    )
    with django_assert_num_queries(1):
        now = held(vote_holders_around(meeting, cast.victor), cast.victor)
    assert (
        now
        == held(vote_holders_at(meeting), cast.victor)
        == {f"organisation:{cast.acme.pk}": ("Acme Corporation", False)}
    )
    while_out = out + dt.timedelta(minutes=5)
    assert held(vote_holders_around(meeting, cast.victor, while_out), cast.victor) == {}
    with django_assert_num_queries(2):
        greta = held(vote_holders_around(meeting, cast.greta), cast.greta)
    assert greta == held(vote_holders_at(meeting), cast.greta)
    assert sorted(label for label, _proxy in greta.values()) == ["Globex", "Initech"]
