import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.models import (
    Board,
    QuorumRule,
    Role,
    Seat,
    VotingBasis,
    representative_of,
    seated_voting_units,
    standing_of,
    voting_organisations_on,
)
from tests.factories import BoardFactory, OrganisationFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_person_who_changes_organisation_sits_for_each_in_turn():
    board = BoardFactory()
    calxeda = OrganisationFactory(board=board, name="Calxeda")
    cavium = OrganisationFactory(board=board, name="Cavium")
    larry = UserFactory(full_name="Larry Wikelius")
    first = SeatFactory(
        board=board,
        person=larry,
        organisation=calxeda,
        starts_on=D(2013, 4, 15),
        ends_on=D(2014, 4, 30),
    )
    second = Seat(
        board=board, person=larry, organisation=cavium, role=Role.VOTING, starts_on=D(2014, 5, 1)
    )
    second.full_clean()
    second.save()

    assert representative_of(calxeda, D(2014, 4, 30)) == first
    assert representative_of(cavium, D(2014, 4, 30)) is None
    assert representative_of(cavium, D(2014, 5, 1)) == second
    assert representative_of(calxeda, D(2014, 5, 1)) is None
    assert standing_of(larry, board, D(2014, 4, 1)).organisation == calxeda
    assert standing_of(larry, board, D(2014, 6, 1)).organisation == cavium


def test_second_voting_representative_for_an_organisation_is_refused():
    seat = SeatFactory(starts_on=D(2020, 1, 1))
    rival = Seat(
        board=seat.board,
        person=UserFactory(),
        organisation=seat.organisation,
        role=Role.VOTING,
        starts_on=D(2021, 6, 1),
    )
    with pytest.raises(ValidationError) as error:
        rival.full_clean()
    assert "already the voting representative" in str(error.value)


def test_voting_representatives_may_follow_each_other_without_overlap():
    seat = SeatFactory(starts_on=D(2020, 1, 1), ends_on=D(2020, 12, 31))
    successor = Seat(
        board=seat.board,
        person=UserFactory(),
        organisation=seat.organisation,
        role=Role.VOTING,
        starts_on=D(2021, 1, 1),
    )
    successor.full_clean()


@pytest.mark.parametrize(
    ("existing", "new", "clash"),
    [
        ((D(2020, 1, 1), None), (D(2025, 1, 1), None), True),
        ((D(2020, 1, 1), D(2020, 6, 30)), (D(2020, 6, 30), None), True),
        ((D(2020, 1, 1), D(2020, 6, 30)), (D(2020, 7, 1), None), False),
        ((D(2021, 1, 1), None), (D(2020, 1, 1), D(2020, 12, 31)), False),
        ((D(2021, 1, 1), None), (D(2020, 1, 1), D(2021, 1, 1)), True),
    ],
)
def test_overlapping_seats_of_one_person_in_one_role_are_refused(existing, new, clash):
    seat = SeatFactory(
        role=Role.CHAIR, organisation=None, starts_on=existing[0], ends_on=existing[1]
    )
    again = Seat(
        board=seat.board, person=seat.person, role=Role.CHAIR, starts_on=new[0], ends_on=new[1]
    )
    if clash:
        with pytest.raises(ValidationError, match="already holds a chair seat"):
            again.full_clean()
    else:
        again.full_clean()


def test_a_person_represents_one_organisation_at_a_time():
    seat = SeatFactory(role=Role.MEMBER)
    other = OrganisationFactory(board=seat.board)
    elsewhere = Seat(
        board=seat.board,
        person=seat.person,
        organisation=other,
        role=Role.ALTERNATE,
        starts_on=D(2022, 1, 1),
    )
    with pytest.raises(ValidationError, match="one organisation at a time"):
        elsewhere.full_clean()


def test_chair_may_be_non_voting_while_a_colleague_votes_for_the_organisation():
    seat = SeatFactory()
    chair = Seat(
        board=seat.board,
        person=UserFactory(),
        organisation=seat.organisation,
        role=Role.CHAIR,
        starts_on=D(2020, 1, 1),
    )
    chair.full_clean()
    chair.save()
    standing = standing_of(chair.person, seat.board, D(2023, 1, 1))
    assert standing.is_chair and not standing.is_voting


def test_seat_ending_before_it_starts_is_refused_by_the_database():
    seat = SeatFactory.build(
        board=BoardFactory(), person=UserFactory(), organisation=None, role=Role.STAFF
    )
    seat.starts_on, seat.ends_on = D(2020, 1, 2), D(2020, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        seat.save()


@pytest.mark.parametrize("role", [Role.ALTERNATE, Role.MEMBER])
def test_alternate_or_member_without_organisation_is_refused_by_the_database(role):
    # A voting seat may sit for no organisation (a director of a board that votes by person):
    # tests/governance/test_individuals.py holds that rule, which depends on the board.
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(
            board=BoardFactory(), person=UserFactory(), role=role, starts_on=D(2020, 1, 1)
        )


def test_organisation_of_another_board_is_refused():
    seat = SeatFactory.build(
        board=BoardFactory(), person=UserFactory(), organisation=OrganisationFactory()
    )
    with pytest.raises(ValidationError, match="not a member of this board"):
        seat.full_clean()


def test_voting_organisations_on_a_date_count_each_organisation_once(cast):
    on = D(2024, 1, 1)
    names = [organisation.name for organisation in voting_organisations_on(cast.board, on)]
    assert names == ["Acme Corporation", "Globex", "Initech"]
    assert seated_voting_units(cast.board, on) == 3
    assert voting_organisations_on(cast.board, D(2019, 12, 31)) == []


@pytest.mark.parametrize(
    ("rule", "count", "fraction", "strictly_more", "seated", "required"),
    [
        (QuorumRule.FIXED, 9, None, True, 11, 9),
        (QuorumRule.FRACTION, None, Decimal("0.5"), True, 10, 6),
        (QuorumRule.FRACTION, None, Decimal("0.5"), True, 11, 6),
        (QuorumRule.FRACTION, None, Decimal("0.5"), False, 10, 5),
        (QuorumRule.FRACTION, None, Decimal("0.5"), False, 11, 6),
        (QuorumRule.FRACTION, None, Decimal("0.667"), False, 9, 7),
    ],
)
def test_quorum_required_follows_the_boards_rule(
    rule, count, fraction, strictly_more, seated, required
):
    board = Board(
        quorum_rule=rule,
        quorum_count=count,
        quorum_fraction=fraction,
        quorum_strictly_more=strictly_more,
        voting_basis=VotingBasis.ORGANISATION,
    )
    assert board.quorum_required(seated) == required


def test_incomplete_quorum_rule_is_refused():
    board = Board(name="B", slug="b", quorum_rule=QuorumRule.FRACTION, quorum_fraction=None)
    with pytest.raises(ValidationError, match="fraction"):
        board.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        board.save()


def test_board_currency_must_be_an_iso_code():
    board = Board(name="B", slug="b", quorum_count=3, currency="usd")
    with pytest.raises(ValidationError, match="ISO 4217"):
        board.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        board.save()


def test_unknown_time_zone_is_refused():
    board = Board(name="B", slug="b", quorum_count=3, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="not a known time zone"):
        board.full_clean()
