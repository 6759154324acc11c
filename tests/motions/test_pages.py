"""The motion pages: who may see and do what, bad input, what each person sees."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motions import services
from motions.models import Choice, Method, Motion, Outcome, Status, Vote
from tests.motions.conftest import opened, put

pytestmark = pytest.mark.django_db


def url(name, motion, *args):
    return reverse(f"motions:{name}", args=[motion.board.slug, motion.pk, *args])


def test_voting_member_sees_vote_buttons_and_votes(cast, meeting, client_for):
    motion = opened(cast, meeting)
    client = client_for(cast.victor)
    page = client.get(url("motion_detail", motion)).content.decode()
    assert "You vote for <strong>Acme Corporation</strong>" in page
    assert 'name="choice" value="for"' in page
    response = client.post(
        url("motion_vote", motion), {"choice": "for"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "On record: <strong data-my-vote>For</strong>" in response.content.decode()
    assert Vote.objects.get(motion=motion).cast_by == cast.victor


@pytest.mark.parametrize("who", ["nora", "alice", "sam", "alan"])
def test_people_without_the_vote_see_the_motion_but_no_buttons(cast, meeting, client_for, who):
    motion = opened(cast, meeting)
    page = client_for(getattr(cast, who)).get(url("motion_detail", motion))
    assert page.status_code == 200
    assert 'name="choice"' not in page.content.decode()
    assert "You do not vote on this motion" in page.content.decode()


@pytest.mark.parametrize(
    ("choice", "message"), [("maybe", "Choose for, against or abstain."), ("", "Choose for")]
)
def test_unknown_choice_stores_nothing(cast, meeting, client_for, choice, message):
    motion = opened(cast, meeting)
    response = client_for(cast.victor).post(
        url("motion_vote", motion), {"choice": choice}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_on_closed_motion_is_refused_in_words(cast, meeting, client_for):
    motion = opened(cast, meeting)
    services.motion_close(motion=motion, actor=cast.alice)
    client = client_for(cast.victor)
    response = client.post(url("motion_vote", motion), {"choice": "for"}, follow=True)
    assert "Voting has closed: the motion failed." in response.content.decode()
    assert not Vote.objects.exists()


def test_second_person_of_same_organisation_refused_in_words(cast, meeting, client_for):
    motion = opened(cast, meeting)
    response = client_for(cast.alan).post(
        url("motion_vote", motion), {"choice": "for"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Victor Voter holds Acme Corporation" in response.content.decode()
    assert not Vote.objects.exists()


def test_other_boards_motion_is_404(cast, meeting, client_for):
    motion = opened(cast, meeting)
    olga = client_for(cast.olga)
    assert olga.get(url("motion_detail", motion)).status_code == 404
    assert olga.post(url("motion_vote", motion), {"choice": "for"}).status_code == 404
    assert olga.post(url("motion_act", motion, "close")).status_code == 404
    other = reverse("motions:motion_detail", args=[cast.other_board.slug, motion.pk])
    assert olga.get(other).status_code == 404
    assert not Vote.objects.exists()


def test_anonymous_is_sent_to_login(cast, meeting, client_for):
    motion = opened(cast, meeting)
    for response in (
        client_for().get(url("motion_detail", motion)),
        client_for().post(url("motion_vote", motion), {"choice": "for"}),
        client_for().post(url("motion_act", motion, "close")),
        client_for().get(reverse("motions:motion_list", args=[cast.board.slug])),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", True), ("sam", True), ("victor", False), ("nora", False), ("alan", False)],
)
@pytest.mark.parametrize("action", ["close", "withdraw", "table"])
def test_only_recorders_decide_a_meeting_motion(cast, meeting, client_for, who, allowed, action):
    motion = opened(cast, meeting)
    response = client_for(getattr(cast, who)).post(url("motion_act", motion, action))
    motion.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert motion.status != Status.OPEN
    else:
        assert response.status_code == 403
        assert motion.status == Status.OPEN


@pytest.mark.parametrize(
    ("who", "allowed"), [("alice", True), ("sam", True), ("greta", False), ("nora", False)]
)
def test_only_officers_put_ballots(cast, client_for, who, allowed):
    client = client_for(getattr(cast, who))
    new = reverse("motions:motion_new", args=[cast.board.slug])
    assert client.get(new).status_code == (200 if allowed else 403)
    deadline = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        new,
        {
            "text": "Adopt the survey",
            "method": "ballot",
            "threshold": "majority",
            "abstentions": "not_cast",
            "closes_at": deadline,
            "then": "open",
        },
    )
    assert response.status_code == (302 if allowed else 403)
    assert Motion.objects.filter(status=Status.OPEN).count() == (1 if allowed else 0)


def test_motion_form_bad_input_saves_nothing(cast, meeting, client_for):
    client = client_for(cast.alice)
    new = reverse("motions:motion_new", args=[cast.board.slug])
    response = client.post(
        new,
        {
            "meeting": meeting.pk,
            "text": "",
            "method": "live",
            "threshold": "fixed",
            "abstentions": "x",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was saved." in page and "Say how many votes in favour are needed." in page
    assert not Motion.objects.exists()
    for bad in ("abc", "١٢", "99999"):
        assert client.get(new, {"meeting": bad}).status_code == 404


def test_console_line_fills_the_motion_form(cast, meeting, client_for):
    new = reverse("motions:motion_new", args=[cast.board.slug])
    page = (
        client_for(cast.alice)
        .get(new, {"meeting": meeting.pk, "text": "Approve this expense"})
        .content.decode()
    )
    assert "Approve this expense</textarea>" in page
    assert "Put a motion to" in page


def test_record_without_objection_from_the_form(cast, meeting, client_for):
    new = reverse("motions:motion_new", args=[cast.board.slug])
    response = client_for(cast.alice).post(
        new,
        {
            "meeting": meeting.pk,
            "item": meeting.items.first().pk,
            "text": "Carry approved items over",
            "method": "without_objection",
            "threshold": "majority",
            "abstentions": "not_cast",
            "then": "record",
        },
    )
    motion = Motion.objects.get()
    assert response.status_code == 302
    assert (motion.outcome, motion.item) == (Outcome.CARRIED, meeting.items.first())


def test_counts_recorded_through_the_page_and_bad_counts_refused(cast, meeting, client_for):
    motion = put(cast, meeting, method=Method.COUNTS)
    client = client_for(cast.alice)
    bad = client.post(
        url("motion_act", motion, "record"), {"votes_for": "-1", "votes_against": "x"}
    )
    assert bad.status_code == 422
    assert "Nothing was changed." in bad.content.decode()
    too_many = client.post(
        url("motion_act", motion, "record"),
        {"votes_for": "9", "votes_against": "0", "votes_abstain": "0"},
    )
    assert "only 3 voting organisations are present" in too_many.content.decode()
    assert Motion.objects.get(pk=motion.pk).status == Status.DRAFT
    client.post(
        url("motion_act", motion, "record"),
        {"votes_for": "2", "votes_against": "1", "votes_abstain": "0"},
    )
    page = client.get(url("motion_detail", motion)).content.decode()
    assert "Carried: 2 for, 1 against, 0 abstaining; 2 in favour were needed." in page


def test_roll_call_through_the_page(cast, meeting, client_for):
    from meetings.queries import organisation_unit_key

    motion = put(cast, meeting, method=Method.ROLL_CALL)
    client = client_for(cast.alice)
    assert "Vote of Acme Corporation" in client.get(url("motion_detail", motion)).content.decode()
    client.post(
        url("motion_act", motion, "record"),
        {
            f"unit-{organisation_unit_key(cast.acme.pk)}": "for",
            f"unit-{organisation_unit_key(cast.globex.pk)}": "against",
            f"dissent-{organisation_unit_key(cast.globex.pk)}": "1",
            f"unit-{organisation_unit_key(cast.initech.pk)}": "for",
        },
    )
    page = client.get(url("motion_detail", motion)).content.decode()
    assert "asked that the objection be minuted" in page
    assert Motion.objects.get(pk=motion.pk).votes_for == 2
    bogus = put(cast, meeting, method=Method.ROLL_CALL)
    response = client.post(url("motion_act", bogus, "record"), {"unit-organisation:999": "for"})
    assert "one choice per voting unit present" in response.content.decode()


def test_unknown_action_is_404(cast, meeting, client_for):
    motion = opened(cast, meeting)
    assert client_for(cast.alice).post(url("motion_act", motion, "explode")).status_code == 404


def test_progress_poll_asks_for_a_reload_when_the_motion_closed(cast, meeting, client_for):
    motion = opened(cast, meeting)
    client = client_for(cast.nora)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    response = client.get(url("motion_progress", motion), {"status": "open"})
    assert 'data-count="voted">1<' in response.content.decode()
    assert "HX-Refresh" not in response
    services.motion_close(motion=motion, actor=cast.alice)
    assert client.get(url("motion_progress", motion), {"status": "open"})["HX-Refresh"] == "true"


def test_secret_motion_page_shows_count_not_choices(cast, meeting, client_for):
    motion = opened(cast, meeting, secret=True)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.AGAINST)
    page = client_for(cast.victor).get(url("motion_detail", motion)).content.decode()
    assert "Its vote is cast (secret" in page
    assert "data-my-vote" not in page
    services.motion_close(motion=motion, actor=cast.alice)
    page = client_for(cast.greta).get(url("motion_detail", motion)).content.decode()
    assert "Victor Voter" not in page
    assert "A secret vote" in page


def test_inquorate_motion_to_ballot_through_the_page(cast, meeting, client_for):
    from meetings import services as meeting_services
    from meetings.models import Attendance

    for person in (cast.greta, cast.ivan):
        meeting_services.attendance_depart(
            attendance=Attendance.objects.get(meeting=meeting, person=person), actor=cast.alice
        )
    motion = services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    client = client_for(cast.sam)
    assert "Put it to a ballot" in client.get(url("motion_detail", motion)).content.decode()
    past = client.post(url("motion_act", motion, "ballot"), {"closes_at": "2001-01-01T10:00"})
    assert past.status_code == 422 and not Motion.objects.filter(method=Method.BALLOT).exists()
    deadline = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url("motion_act", motion, "ballot"), {"closes_at": deadline})
    ballot = Motion.objects.get(method=Method.BALLOT)
    assert response["Location"] == ballot.get_absolute_url()
    assert (
        client_for(cast.greta)
        .get(reverse("dashboard", args=[cast.board.slug]))
        .content.decode()
        .count(ballot.title)
        >= 1
    )


def test_correct_the_record(cast, meeting, client_for):
    motion = services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    client = client_for(cast.sam)
    missing = client.post(
        url("motion_act", motion, "correct"), {"text": "Approve it", "reason": ""}
    )
    assert missing.status_code == 422
    client.post(
        url("motion_act", motion, "correct"), {"text": "Approve the expense", "reason": "Typo"}
    )
    page = client.get(url("motion_detail", motion)).content.decode()
    assert "Corrected on" in page and "Approve this expense" in page
    assert client_for(cast.victor).post(url("motion_act", motion, "correct"), {}).status_code == 403


def test_motion_list_and_dashboard_card(cast, meeting, client_for):
    ballot = opened(cast, method=Method.BALLOT, text="Adopt the user survey")
    services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    page = client_for(cast.victor).get(reverse("motions:motion_list", args=[cast.board.slug]))
    assert "Adopt the user survey" in page.content.decode() and "no tally" in page.content.decode()
    dashboard = reverse("dashboard", args=[cast.board.slug])
    assert "Awaiting your vote" in client_for(cast.victor).get(dashboard).content.decode()
    assert "Awaiting your vote" in client_for(cast.alan).get(dashboard).content.decode()
    assert "Awaiting your vote" not in client_for(cast.nora).get(dashboard).content.decode()
    services.vote_cast(motion=ballot, person=cast.alan, choice=Choice.FOR)
    assert "Awaiting your vote" not in client_for(cast.victor).get(dashboard).content.decode()
    page = client_for(cast.victor).get(url("motion_detail", ballot)).content.decode()
    assert "vote has been cast by Alan Alternate" in page


def test_the_dashboard_closes_a_ballot_past_its_deadline_and_no_longer_asks_for_it(
    cast, client_for, time_machine
):
    """Reading the dashboard closes what is due, as every page listing motions does: the card
    never asks for a vote that can no longer be cast, and the deadline's last second still can."""
    closes = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    ballot = opened(cast, method=Method.BALLOT, text="Adopt the user survey", closes_at=closes)
    dashboard = reverse("dashboard", args=[cast.board.slug])

    time_machine.move_to(closes - dt.timedelta(seconds=1))
    assert "Adopt the user survey" in client_for(cast.victor).get(dashboard).content.decode()
    ballot.refresh_from_db()
    assert ballot.status == Status.OPEN

    time_machine.move_to(closes)
    page = client_for(cast.victor).get(dashboard).content.decode()
    assert "Adopt the user survey" not in page
    ballot.refresh_from_db()
    assert ballot.status == Status.CLOSED
