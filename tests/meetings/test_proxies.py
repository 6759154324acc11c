"""Proxies: a voting member names someone seated on the board to hold their vote at one meeting.

The cast (tests/conftest.py): alice chair, sam secretary, victor votes for Acme (alan is Acme's
alternate), greta for Globex (nora is Globex's non-voting member), ivan for Initech; olga sits on
another board. Quorum is 2 organisations.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import AuditEntry
from meetings import services
from meetings.errors import ProxyRefused
from meetings.models import AttendanceStatus, Proxy
from meetings.proxies import proxy_name, proxy_withdraw
from meetings.queries import (
    expectation_for,
    meeting_record,
    organisation_unit_key,
    quorum_of,
    vote_holders_at,
)
from minutes.generate import minutes_markdown
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

# The meeting page's budget (test_query_budgets.py: 15, plus 7 for the registered apps, plus the
# attendances' stretches in the room).
PAGE_BUDGET = 23


@pytest.fixture
def scheduled(cast):
    return MeetingFactory(board=cast.board)


def allow(board, **settings):
    for name, value in settings.items():
        setattr(board, name, value)
    board.save()


def name_url(meeting):
    return reverse("meetings:proxy_new", args=[meeting.board.slug, meeting.pk])


def withdraw_url(proxy):
    return reverse(
        "meetings:proxy_withdraw", args=[proxy.meeting.board.slug, proxy.meeting_id, proxy.pk]
    )


# -- Permissions ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_and_nothing_is_saved(cast, scheduled, client_for):
    response = client_for().post(name_url(scheduled), {"holder": cast.alan.pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Proxy.objects.exists()


def test_member_names_a_proxy_for_their_own_vote(cast, scheduled, client_for):
    response = client_for(cast.victor).post(name_url(scheduled), {"holder": cast.alan.pk})
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    assert (proxy.grantor, proxy.holder, proxy.organisation) == (cast.victor, cast.alan, cast.acme)
    assert proxy.unit_key == organisation_unit_key(cast.acme.pk)
    entry = AuditEntry.objects.get(action="proxy.name")
    assert entry.changes["holder_id"] == [None, cast.alan.pk]
    page = client_for(cast.victor).get(scheduled.get_absolute_url())
    assert "Alan Alternate</strong> holds your vote" in page.text


def test_member_may_not_name_a_proxy_for_someone_else(cast, scheduled, client_for):
    response = client_for(cast.victor).post(
        name_url(scheduled), {"holder": cast.nora.pk, "grantor": cast.greta.pk}
    )
    assert response.status_code == 403
    assert not Proxy.objects.exists()


def test_non_voting_member_has_no_vote_to_entrust(cast, scheduled, client_for):
    client = client_for(cast.nora)
    response = client.post(name_url(scheduled), {"holder": cast.greta.pk}, follow=True)
    assert "holds no voting seat" in response.text
    assert not Proxy.objects.exists()


@pytest.mark.parametrize("officer", ["sam", "alice"])
def test_secretary_and_chair_name_a_proxy_for_anyone(cast, scheduled, client_for, officer):
    response = client_for(getattr(cast, officer)).post(
        name_url(scheduled), {"holder": cast.nora.pk, "grantor": cast.greta.pk}
    )
    assert response.status_code == 302
    assert Proxy.objects.get().holder == cast.nora


def test_another_boards_ids_are_not_found(cast, scheduled, client_for):
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    # Olga sees nothing of this board; victor may not name olga, a person of another board.
    assert client_for(cast.olga).post(name_url(scheduled), {"holder": 1}).status_code == 404
    assert client_for(cast.olga).post(withdraw_url(proxy)).status_code == 404
    response = client_for(cast.sam).post(
        name_url(scheduled), {"holder": cast.alan.pk, "grantor": cast.olga.pk}
    )
    assert response.status_code == 404
    other = MeetingFactory(board=cast.other_board)
    wrong = reverse("meetings:proxy_withdraw", args=[cast.board.slug, other.pk, proxy.pk])
    assert client_for(cast.victor).post(wrong).status_code == 404


def test_service_refuses_a_member_acting_for_another(cast, scheduled):
    """The service's own check, whichever page or command calls it."""
    with pytest.raises(ProxyRefused, match="only for your own vote"):
        proxy_name(meeting=scheduled, grantor=cast.greta, holder=cast.nora, actor=cast.victor)
    proxy = proxy_name(meeting=scheduled, grantor=cast.greta, holder=cast.nora, actor=cast.greta)
    with pytest.raises(ProxyRefused, match="only a proxy for your own vote"):
        proxy_withdraw(proxy=proxy, actor=cast.victor)
    assert Proxy.objects.standing().count() == 1


def test_only_grantor_or_officers_withdraw(cast, scheduled, client_for):
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    assert client_for(cast.greta).post(withdraw_url(proxy)).status_code == 403
    assert client_for(cast.alan).post(withdraw_url(proxy)).status_code == 403
    assert Proxy.objects.standing().count() == 1
    assert client_for(cast.sam).post(withdraw_url(proxy)).status_code == 302
    assert Proxy.objects.standing().count() == 0
    assert AuditEntry.objects.filter(action="proxy.withdraw").count() == 1


# -- Bad input: refused in words, nothing saved -----------------------------------------------


def _limit_reached(cast, meeting):
    allow(cast.board, proxies_from_other_organisations=True, proxies_per_holder=1)
    proxy_name(meeting=meeting, grantor=cast.greta, holder=cast.alice, actor=cast.sam)
    return {"grantor": cast.victor, "holder": cast.alice}


def _other_org(cast, meeting):
    return {"grantor": cast.victor, "holder": cast.greta}


def _not_seated(cast, meeting):
    return {"grantor": cast.victor, "holder": cast.olga}


def _self(cast, meeting):
    return {"grantor": cast.victor, "holder": cast.victor}


def _not_voting(cast, meeting):
    return {"grantor": cast.alan, "holder": cast.victor}


def _adjourned(cast, meeting):
    services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    services.meeting_adjourn(
        meeting=meeting, actor=cast.alice, at=meeting.starts_at + dt.timedelta(hours=1)
    )
    return {"grantor": cast.victor, "holder": cast.alan}


def _not_allowed(cast, meeting):
    allow(cast.board, proxies_allowed=False)
    return {"grantor": cast.victor, "holder": cast.alan}


def _unit_taken(cast, meeting):
    proxy_name(meeting=meeting, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    allow(cast.board, proxies_from_other_organisations=True)
    return {"grantor": cast.victor, "holder": cast.ivan}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (_not_seated, "holds no seat on Test Board"),
        (_self, "A proxy is someone else"),
        (_other_org, "does not allow a proxy from another organisation"),
        (_limit_reached, "allows 1 per person"),
        (_not_voting, "holds no voting seat"),
        (_adjourned, "The meeting is adjourned"),
        (_not_allowed, "does not allow proxies"),
        (_unit_taken, "withdraw it first"),
    ],
)
def test_a_proxy_the_rules_forbid_is_refused_in_words(cast, scheduled, case, message):
    arguments = case(cast, scheduled)
    before = Proxy.objects.count(), AuditEntry.objects.filter(action="proxy.name").count()
    with pytest.raises(ProxyRefused, match=message):
        proxy_name(meeting=scheduled, actor=cast.sam, **arguments)
    assert (Proxy.objects.count(), AuditEntry.objects.filter(action="proxy.name").count()) == (
        before
    )


def test_refusal_reaches_the_page_in_words(cast, scheduled, client_for):
    response = client_for(cast.victor).post(
        name_url(scheduled), {"holder": cast.greta.pk}, follow=True
    )
    assert response.status_code == 200
    assert "does not allow a proxy from another organisation" in response.text
    assert not Proxy.objects.exists()


def test_other_organisation_allowed_by_the_board(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True)
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.greta, actor=cast.victor)
    assert proxy.holder == cast.greta


def test_a_higher_limit_lets_one_person_hold_two(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True, proxies_per_holder=2)
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alice, actor=cast.sam)
    proxy_name(meeting=scheduled, grantor=cast.greta, holder=cast.alice, actor=cast.sam)
    assert Proxy.objects.filter(holder=cast.alice).count() == 2


def test_withdrawn_twice_is_refused(cast, scheduled):
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    proxy_withdraw(proxy=proxy, actor=cast.victor)
    with pytest.raises(ProxyRefused, match="already withdrawn"):
        proxy_withdraw(proxy=proxy, actor=cast.victor)
    assert AuditEntry.objects.filter(action="proxy.withdraw").count() == 1
    # Withdrawn, the vote may be entrusted again.
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)


def test_withdrawal_only_before_the_start(cast, scheduled):
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    services.meeting_start(meeting=scheduled, actor=cast.alice, at=scheduled.starts_at)
    with pytest.raises(ProxyRefused, match="withdrawn only before it starts"):
        proxy_withdraw(proxy=proxy, actor=cast.victor)
    assert Proxy.objects.standing().count() == 1


def test_one_standing_proxy_per_unit_is_a_database_rule(cast, scheduled):
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proxy.objects.create(
            meeting=scheduled,
            unit_key=organisation_unit_key(cast.acme.pk),
            grantor=cast.victor,
            organisation=cast.acme,
            holder=cast.nora,
            created_by=cast.sam,
        )


# -- Who holds the vote, and quorum -----------------------------------------------------------


@pytest.fixture
def running(cast):
    """Started at its scheduled time; Victor has named Alan (Acme's alternate) before it did,
    and the board lets Greta hold Ivan's (Initech's) vote from another organisation."""
    allow(cast.board, proxies_from_other_organisations=True)
    meeting = MeetingFactory(board=cast.board)
    proxy_name(meeting=meeting, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan)
    return services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)


def holder_names(meeting):
    return {key: h.attendance.name for key, h in vote_holders_at(meeting).items()}


def test_proxy_holds_the_vote_of_an_absent_representative(cast, running):
    attend(running, cast.greta, at=running.starts_at)
    holders = vote_holders_at(running)
    initech = holders[organisation_unit_key(cast.initech.pk)]
    assert initech.attendance.person == cast.greta and initech.by_proxy
    assert holders[organisation_unit_key(cast.globex.pk)].attendance.person == cast.greta


def test_present_representative_outranks_their_proxy(cast, running):
    attend(running, cast.greta, cast.ivan, at=running.starts_at)
    initech = vote_holders_at(running)[organisation_unit_key(cast.initech.pk)]
    assert initech.attendance.person == cast.ivan and not initech.by_proxy


def test_alternate_outranks_a_proxy(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True)
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.greta, actor=cast.victor)
    meeting = services.meeting_start(meeting=scheduled, actor=cast.alice, at=scheduled.starts_at)
    attend(meeting, cast.greta, cast.alan, at=meeting.starts_at)
    acme = vote_holders_at(meeting)[organisation_unit_key(cast.acme.pk)]
    assert acme.attendance.person == cast.alan and not acme.by_proxy


def test_absent_holder_holds_nothing(cast, running):
    attend(running, cast.victor, at=running.starts_at)
    assert organisation_unit_key(cast.initech.pk) not in vote_holders_at(running)


def test_a_proxy_named_during_the_meeting_holds_from_then(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True)
    meeting = services.meeting_start(meeting=scheduled, actor=cast.alice, at=scheduled.starts_at)
    attend(meeting, cast.greta, at=meeting.starts_at)
    named = meeting.starts_at + dt.timedelta(minutes=30)
    proxy_name(meeting=meeting, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan, at=named)
    initech = organisation_unit_key(cast.initech.pk)
    assert initech not in vote_holders_at(meeting, named - dt.timedelta(minutes=1))
    assert initech in vote_holders_at(meeting, named)


# present: who is there; counted: the board's setting; expected quorum count.
QUORUM_CASES = [
    (["greta"], False, 1),  # Globex by Greta; Initech's vote by proxy, not counted
    (["greta"], True, 2),  # ... counted
    (["greta", "ivan"], True, 2),  # Ivan present: Initech counts once
    (["ivan"], True, 1),  # the holder is away: the proxy holds nothing
    (["victor", "greta"], False, 2),
    (["victor", "greta"], True, 3),
]


@pytest.mark.parametrize(("present", "counted", "expected"), QUORUM_CASES)
def test_quorum_counts_proxies_only_when_the_board_says(cast, running, present, counted, expected):
    allow(cast.board, proxies_count_for_quorum=counted)
    attend(running, *[getattr(cast, name) for name in present], at=running.starts_at)
    running.board.refresh_from_db()
    assert quorum_of(running).present == expected
    assert meeting_record(running).quorum.present == expected


def test_quorum_timeline_notes_a_proxy_named_mid_meeting(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True, proxies_count_for_quorum=True)
    meeting = services.meeting_start(meeting=scheduled, actor=cast.alice, at=scheduled.starts_at)
    attend(meeting, cast.greta, at=meeting.starts_at)
    named = meeting.starts_at + dt.timedelta(minutes=20)
    proxy_name(meeting=meeting, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan, at=named)
    record = meeting_record(meeting)
    assert [(c.at, c.is_quorate) for c in record.timeline] == [
        (meeting.starts_at, False),
        (named, True),
    ]


def test_expectation_counts_a_unit_whose_proxy_holder_is_expected(cast, scheduled):
    allow(cast.board, proxies_count_for_quorum=True)
    services.apologies_send(meeting=scheduled, person=cast.victor, actor=cast.victor)
    services.apologies_send(meeting=scheduled, person=cast.alan, actor=cast.alan)
    attendances = list(scheduled.attendances.all())
    assert expectation_for(scheduled, attendances).label.startswith("2 of 3 expected")
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    # Alan sent apologies: holding the proxy does not make him expected.
    assert expectation_for(scheduled, attendances).label.startswith("2 of 3 expected")
    services.apologies_withdraw(meeting=scheduled, person=cast.alan, actor=cast.alan)
    attendances = list(scheduled.attendances.all())
    assert expectation_for(scheduled, attendances).label.startswith("3 of 3 expected")


def test_expectation_says_a_proxy_does_not_count_where_it_does_not(cast, scheduled):
    allow(cast.board, proxies_from_other_organisations=True)
    services.apologies_send(meeting=scheduled, person=cast.ivan, actor=cast.ivan)
    proxy_name(meeting=scheduled, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan)
    expectation = expectation_for(scheduled, list(scheduled.attendances.all()))
    assert expectation.label.startswith("2 of 3 expected")
    assert expectation.proxy_words == (
        "Held by proxy: Initech's vote by Greta Globex (not counted toward quorum)"
    )


# -- The record's words -----------------------------------------------------------------------


def test_record_says_who_holds_a_units_vote(cast, running, client_for):
    attend(running, cast.victor, cast.alan, cast.greta, at=running.starts_at)
    services.meeting_adjourn(
        meeting=running, actor=cast.alice, at=running.starts_at + dt.timedelta(hours=1)
    )
    page = client_for(cast.nora).get(running.get_absolute_url()).text
    assert "(holds Initech&#x27;s vote)" in page
    assert "(alternate, not voting)" in page
    text = minutes_markdown(running)
    assert "Victor Voter (voting), Alan Alternate (alternate, not voting) — Acme" in text
    assert "Greta Globex (voting, holds Initech's vote) — Globex" in text


def test_alternate_who_held_the_vote_reads_so(cast, scheduled):
    meeting = services.meeting_start(meeting=scheduled, actor=cast.alice, at=scheduled.starts_at)
    attend(meeting, cast.alan, cast.greta, at=meeting.starts_at)
    attend(meeting, cast.victor, at=meeting.starts_at + dt.timedelta(minutes=30))
    text = minutes_markdown(meeting)
    assert "Alan Alternate (holds Acme Corporation's vote)" in text


def test_live_record_says_it_too(cast, running, client_for):
    attend(running, cast.greta, at=running.starts_at)
    response = client_for(cast.victor).get(
        reverse("meetings:meeting_live", args=[cast.board.slug, running.pk]), {"v": 0}
    )
    assert "(holds Initech&#x27;s vote)" in response.text


# -- The meeting page --------------------------------------------------------------------------


def test_voting_member_sees_the_form_with_eligible_holders(cast, scheduled, client_for):
    page = client_for(cast.victor).get(scheduled.get_absolute_url()).text
    assert '<label for="proxy-holder">Who holds your vote</label>' in page
    form = page.split('id="proxy-holder"', 1)[1].split("</select>", 1)[0]
    assert "Alan Alternate" in form and "Greta Globex" not in form  # Acme's own people only


def test_non_voting_member_sees_no_proxy_form(cast, scheduled, client_for):
    page = client_for(cast.nora).get(scheduled.get_absolute_url()).text
    assert 'id="proxies"' not in page


def test_secretary_sees_and_manages_every_proxy(cast, scheduled, client_for):
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    page = client_for(cast.sam).get(scheduled.get_absolute_url()).text
    assert "Alan Alternate holds Acme Corporation's vote" in page
    assert 'id="proxy-grantor"' in page
    assert "Withdraw Alan Alternate's proxy" in page


def _page_with(cast, proxies: bool, size: int, started: bool):
    allow(cast.board, proxies_from_other_organisations=True, proxies_per_holder=5)
    if started:
        meeting = started_meeting(cast.board, with_items=size)
        people = [cast.greta, cast.alan, cast.nora, cast.alice]
        attend(meeting, *people[: 2 if size < 5 else 4], at=meeting.starts_at)
    else:
        meeting = MeetingFactory(board=cast.board)
        AgendaItemFactory.create_batch(size, meeting=meeting)
        for person in [cast.nora, cast.alice][: 1 if size < 5 else 2]:
            services.apologies_send(meeting=meeting, person=person, actor=cast.sam)
    if proxies:
        grantors = [cast.ivan, cast.victor][: 1 if size < 5 else 2]
        for grantor in grantors:
            proxy_name(meeting=meeting, grantor=grantor, holder=cast.greta, actor=cast.sam)
    return meeting


@pytest.mark.parametrize("started", [False, True])
@pytest.mark.parametrize("proxies", [False, True])
@pytest.mark.parametrize("viewer", ["sam", "victor"])
def test_meeting_page_costs_the_same_whatever_the_size(cast, client_for, proxies, viewer, started):
    counts = []
    for size in (1, 12):
        meeting = _page_with(cast, proxies, size, started)
        client = client_for(getattr(cast, viewer))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[0] <= PAGE_BUDGET, counts


def test_attendance_status_is_left_alone(cast, scheduled):
    """Naming a proxy records no attendance: the grantor may still come."""
    proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)
    assert not scheduled.attendances.exclude(status=AttendanceStatus.PRESENT).exists()


# -- The board's settings -----------------------------------------------------------------------


def test_board_settings_default_and_are_audited_when_changed(cast, client_for):
    from governance import services as governance_services

    board = cast.board
    assert (
        board.proxies_allowed,
        board.proxies_from_other_organisations,
        board.proxies_per_holder,
        board.proxies_count_for_quorum,
    ) == (True, False, 1, False)
    governance_services.board_update(
        board=board, actor=cast.sam, proxies_per_holder=2, proxies_count_for_quorum=True
    )
    entry = AuditEntry.objects.filter(action="board.update").latest("at")
    assert entry.changes["proxies_per_holder"] == [1, 2]
    assert entry.changes["proxies_count_for_quorum"] == [False, True]


def test_admin_shows_the_proxy_settings(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    page = client_for(cast.sam).get(reverse("admin:governance_board_change", args=[cast.board.pk]))
    assert page.status_code == 200
    assert "Proxies one person may hold" in page.text


def test_a_holder_limit_below_one_is_refused(cast):
    from governance import services as governance_services
    from governance.exceptions import DomainError

    with pytest.raises(DomainError, match="at least one proxy"):
        governance_services.board_update(board=cast.board, actor=cast.sam, proxies_per_holder=0)
    cast.board.refresh_from_db()
    assert cast.board.proxies_per_holder == 1
