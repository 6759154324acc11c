"""A meeting keeps the quorum rule it started under: a board that grows its quorum (2 to 3, from
1 January 2025) leaves last year's quorate meeting quorate with 2, and a meeting after the change
needs 3. Before it starts, a meeting follows the rule in force on its date."""

import datetime as dt

import pytest
from django.urls import reverse

from governance import services as governance_services
from governance.models import AuditEntry, QuorumRule, VotingBasis
from meetings import services
from meetings.models import Meeting
from meetings.queries import meeting_record, quorum_of, quorum_required_for
from minutes.generate import quorum_section
from tests.meetings.factories import MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

LAST_YEAR = dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)
THIS_YEAR = dt.datetime(2025, 3, 13, 16, 0, tzinfo=dt.UTC)
CHANGED_ON = dt.date(2025, 1, 1)


def grow_quorum(cast, to=3, on=CHANGED_ON):
    return governance_services.quorum_rule_set(
        board=cast.board,
        effective_from=on,
        quorum_rule=QuorumRule.FIXED,
        quorum_count=to,
        actor=cast.sam,
    )


def held(cast, at, *people):
    meeting = started_meeting(cast.board, at=at, actor=cast.alice)
    attend(meeting, *people, actor=cast.alice, at=at)
    ended = at + dt.timedelta(hours=1)
    return services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=ended)


def test_last_years_quorate_meeting_stays_quorate_after_the_rule_grows(cast):
    last_year = held(cast, LAST_YEAR, cast.victor, cast.greta)
    assert quorum_of(last_year).label == "Quorate: 2 of 2 required"
    grow_quorum(cast)
    last_year.refresh_from_db()
    assert quorum_of(last_year).label == "Quorate: 2 of 2 required"
    line = quorum_section(meeting_record(last_year))[0]
    assert line.startswith(
        "**Quorum:** 2, the rule in force on 14 March 2024 "
        "(the rule: 2 voting organisations present);"
    )
    assert "Quorate from" in line


def test_a_meeting_after_the_change_needs_the_new_number(cast):
    grow_quorum(cast)
    scheduled = MeetingFactory(board=cast.board, starts_at=THIS_YEAR + dt.timedelta(days=7))
    assert quorum_required_for(scheduled) == 3
    this_year = held(cast, THIS_YEAR, cast.victor, cast.greta)
    assert quorum_of(this_year).label == "1 organisation short of quorum"
    assert (this_year.quorum_required, this_year.quorum_rule_from) == (3, CHANGED_ON)
    line = quorum_section(meeting_record(this_year))[0]
    assert (
        "**Quorum:** 3, the rule in force on 13 March 2025 "
        "(the rule: 3 voting organisations present)" in line
    )


@pytest.mark.parametrize(
    ("meeting_day", "required"),
    [
        pytest.param(dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC), 2, id="the-day-before"),
        pytest.param(dt.datetime(2025, 1, 1, 16, tzinfo=dt.UTC), 3, id="the-day-of"),
        # 23:30 UTC on 31 December is already... still 31 December in London (GMT): old rule.
        pytest.param(dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC), 2, id="late-evening"),
    ],
)
def test_a_scheduled_meeting_follows_the_rule_in_force_on_its_date(cast, meeting_day, required):
    grow_quorum(cast)
    meeting = MeetingFactory(board=cast.board, starts_at=meeting_day)
    assert quorum_required_for(meeting) == required
    started = services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting_day)
    assert started.quorum_required == required


def test_changing_the_rule_in_force_never_changes_a_started_meetings_record(cast):
    rule = grow_quorum(cast)
    this_year = held(cast, THIS_YEAR, cast.victor, cast.greta, cast.ivan)
    governance_services.quorum_rule_update(rule=rule, actor=cast.sam, quorum_count=5)
    this_year.refresh_from_db()
    assert quorum_of(this_year).label == "Quorate: 3 of 3 required"
    record = meeting_record(this_year)
    assert record.quorum_rule.rule_text == "3 voting organisations present"
    assert record.quorum_rule.explanation.endswith("in force from 1 January 2025")


def test_the_rule_kept_includes_the_voting_basis(cast):
    governance_services.quorum_rule_set(
        board=cast.board,
        effective_from=CHANGED_ON,
        quorum_rule=QuorumRule.FIXED,
        quorum_count=2,
        voting_basis=VotingBasis.PERSON,
        actor=cast.sam,
    )
    meeting = started_meeting(cast.board, at=THIS_YEAR, actor=cast.alice)
    attend(meeting, cast.victor, actor=cast.alice, at=THIS_YEAR)
    assert meeting.quorum_voting_basis == VotingBasis.PERSON
    assert quorum_of(meeting).label == "1 member short of quorum"


def test_a_meeting_started_before_snapshots_existed_follows_the_rule_of_its_date(cast):
    """Meetings held before this change have no kept rule: the dated history answers for them,
    and a change dated later than the meeting leaves it alone."""
    old = MeetingFactory(board=cast.board, starts_at=LAST_YEAR, status="in_progress")
    attend(old, cast.victor, cast.greta, actor=cast.alice, at=LAST_YEAR)
    Meeting.objects.filter(pk=old.pk).update(
        status="adjourned", adjourned_at=LAST_YEAR + dt.timedelta(hours=1)
    )
    old.refresh_from_db()
    grow_quorum(cast)
    assert old.quorum_required is None
    assert quorum_of(old).label == "Quorate: 2 of 2 required"


def test_the_start_is_audited_with_the_rule_kept(cast):
    grow_quorum(cast)
    started_meeting(cast.board, at=THIS_YEAR, actor=cast.alice)
    entry = AuditEntry.objects.get(action="meeting.start")
    assert "quorum 3 (3 voting organisations present)" in entry.summary


def test_the_meeting_page_says_which_rule(cast, client_for):
    last_year = held(cast, LAST_YEAR, cast.victor, cast.greta)
    grow_quorum(cast)
    page = client_for(cast.victor).get(
        reverse("meetings:meeting_detail", args=[cast.board.slug, last_year.pk])
    )
    assert page.status_code == 200
    assert "Quorum 2, the rule in force on 14 March 2024" in page.text
    scheduled = MeetingFactory(board=cast.board, starts_at=THIS_YEAR)
    page = client_for(cast.victor).get(
        reverse("meetings:meeting_detail", args=[cast.board.slug, scheduled.pk])
    )
    assert "Quorum 3, the rule in force on 13 March 2025" in page.text
