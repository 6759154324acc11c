"""A board's quorum rule has a history: each change takes effect from a date (the board's own
fields are its founding rule, in force until the first change); one change per day; every change
audited with its fields before and after; bad rules refused in words."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance import services
from governance.models import AuditEntry, QuorumRule, QuorumRuleChange, VotingBasis
from tests.governance.test_admin_integrity import form_data

pytestmark = pytest.mark.django_db

CHANGED_ON = dt.date(2025, 1, 1)


def grow_to_three(cast, on=CHANGED_ON, **extra):
    return services.quorum_rule_set(
        board=cast.board,
        effective_from=on,
        quorum_rule=QuorumRule.FIXED,
        quorum_count=3,
        actor=cast.sam,
        **extra,
    )


def test_the_founding_rule_is_in_force_until_the_first_change(cast):
    assert cast.board.rule_on(dt.date(2020, 5, 1)) == cast.board
    grow_to_three(cast)
    assert cast.board.rule_on(CHANGED_ON - dt.timedelta(days=1)).quorum_required(3) == 2
    assert cast.board.rule_on(CHANGED_ON).quorum_required(3) == 3  # the day it takes effect
    assert cast.board.rule_on(dt.date(2030, 1, 1)).quorum_required(3) == 3


def test_the_latest_change_on_or_before_the_day_is_in_force(cast):
    grow_to_three(cast)
    services.quorum_rule_set(
        board=cast.board,
        effective_from=dt.date(2026, 6, 1),
        quorum_rule=QuorumRule.FRACTION,
        quorum_fraction=Decimal("0.5"),
        quorum_strictly_more=True,
        actor=cast.sam,
    )
    assert cast.board.rule_on(dt.date(2026, 5, 31)).quorum_count == 3
    in_force = cast.board.rule_on(dt.date(2026, 6, 1))
    assert in_force.describe_quorum_rule() == "more than half of the seated voting organisations"
    assert in_force.quorum_required(4) == 3


def test_a_change_is_audited_with_its_fields(cast):
    rule = grow_to_three(cast, note="AGM, December 2024")
    entry = AuditEntry.objects.get(action="quorum rule.create")
    assert entry.actor == cast.sam and entry.board == cast.board
    assert entry.changes["quorum_count"] == [None, 3]
    assert entry.changes["effective_from"][1] == "2025-01-01"
    services.quorum_rule_update(rule=rule, actor=cast.sam, quorum_count=4)
    entry = AuditEntry.objects.get(action="quorum rule.update")
    assert entry.changes == {"quorum_count": [3, 4]}
    services.quorum_rule_delete(rule=rule, actor=cast.sam)
    entry = AuditEntry.objects.get(action="quorum rule.delete")
    assert entry.changes["quorum_count"] == [4, None]
    assert not QuorumRuleChange.objects.exists()


def test_the_voting_basis_carries_on_unless_changed(cast):
    assert grow_to_three(cast).voting_basis == VotingBasis.ORGANISATION
    by_person = services.quorum_rule_set(
        board=cast.board,
        effective_from=dt.date(2026, 1, 1),
        quorum_rule=QuorumRule.FIXED,
        quorum_count=4,
        voting_basis=VotingBasis.PERSON,
        actor=cast.sam,
    )
    assert by_person.describe_quorum_rule() == "4 voting members present"


def test_two_changes_on_one_day_are_refused_in_words(cast):
    grow_to_three(cast)
    with pytest.raises(services.InvalidRecord, match="already has a quorum rule taking effect"):
        grow_to_three(cast)
    assert QuorumRuleChange.objects.count() == 1
    assert AuditEntry.objects.filter(action="quorum rule.create").count() == 1


@pytest.mark.parametrize(
    ("details", "words"),
    [
        pytest.param({"quorum_count": 0}, "at least 1", id="zero-count"),
        pytest.param({"quorum_count": -2}, "at least 1", id="negative-count"),
        pytest.param({"quorum_count": None}, "needs the number required", id="no-count"),
        pytest.param(
            {"quorum_rule": QuorumRule.FRACTION, "quorum_fraction": Decimal("1.5")},
            "at most 1",
            id="fraction-above-one",
        ),
        pytest.param(
            {"quorum_rule": QuorumRule.FRACTION, "quorum_fraction": Decimal("0")},
            "more than 0",
            id="fraction-zero",
        ),
        pytest.param(
            {"quorum_rule": QuorumRule.FRACTION, "quorum_fraction": None},
            "needs the fraction",
            id="no-fraction",
        ),
        pytest.param({"quorum_rule": "most"}, "not a valid choice", id="unknown-rule"),
    ],
)
def test_a_bad_rule_is_refused_in_words_and_nothing_is_saved(cast, details, words):
    arguments = {"quorum_rule": QuorumRule.FIXED, "quorum_count": 3} | details
    with pytest.raises(services.InvalidRecord, match=words):
        services.quorum_rule_set(
            board=cast.board, effective_from=CHANGED_ON, actor=cast.sam, **arguments
        )
    assert not QuorumRuleChange.objects.exists()
    assert not AuditEntry.objects.exists()


# -- The admin: an inline under the board, saved by the services ---------------------------------


@pytest.fixture
def secretary(cast, client_for):
    cast.sam.is_staff = True
    cast.sam.is_superuser = True
    cast.sam.save()
    return client_for(cast.sam)


def add_rule(data, **fields):
    index = int(data["rule_changes-TOTAL_FORMS"])
    row = {
        "effective_from": "2025-01-01",
        "voting_basis": VotingBasis.ORGANISATION,
        "quorum_rule": QuorumRule.FIXED,
        "quorum_count": "3",
        "quorum_fraction": "",
        "note": "",
    } | fields
    for name, value in row.items():
        data[f"rule_changes-{index}-{name}"] = value
    data[f"rule_changes-{index}-board"] = ""
    data["rule_changes-TOTAL_FORMS"] = str(index + 1)


def test_a_change_added_in_the_admin_goes_through_the_service(cast, secretary):
    url = reverse("admin:governance_board_change", args=[cast.board.pk])
    data = form_data(secretary.get(url))
    add_rule(data)
    response = secretary.post(url, data)
    assert response.status_code == 302
    rule = QuorumRuleChange.objects.get()
    assert (rule.board, rule.effective_from, rule.quorum_count) == (cast.board, CHANGED_ON, 3)
    entry = AuditEntry.objects.get(action="quorum rule.create")
    assert entry.actor == cast.sam and entry.changes["quorum_count"] == [None, 3]


def test_a_bad_or_second_change_on_a_day_is_refused_on_the_admin_form(cast, secretary):
    grow_to_three(cast)
    url = reverse("admin:governance_board_change", args=[cast.board.pk])
    data = form_data(secretary.get(url))
    add_rule(data, quorum_count="5")
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "already exists" in response.text or "already has a quorum rule" in response.text
    data = form_data(secretary.get(url))
    add_rule(data, effective_from="2026-01-01", quorum_rule="fraction", quorum_fraction="1.5")
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "A quorum fraction is at most 1" in response.text
    assert list(QuorumRuleChange.objects.values_list("quorum_count", flat=True)) == [3]
