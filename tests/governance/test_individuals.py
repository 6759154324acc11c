"""Boards of individuals (issue 9, point 3 and 5): directors without organisations, offices beside
seats, co-opted members and observers, the board's own membership classes, unknown start dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from governance import services, two_factor
from governance.models import (
    SINCE_BEFORE_RECORDS,
    MembershipClass,
    Organisation,
    QuorumRule,
    Role,
    Seat,
    VotingBasis,
    describe_period,
    seated_voting_units,
    seats_on,
    standing_of,
)
from governance.services import InvalidRecord, SeatConflict
from tests.factories import BoardFactory, OrganisationFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
GOVERNORS = ["Ann Smith", "Ben Jones", "Cara Brown", "Dev Patel", "Eve Adams", "Fay Wu", "Gil Ross"]


def governors_board(**fields):
    fields = {
        "voting_basis": VotingBasis.PERSON,
        "quorum_rule": QuorumRule.FRACTION,
        "quorum_fraction": Decimal("0.5"),
        "quorum_count": None,
        "member_title": "Governor",
        **fields,
    }
    return BoardFactory(**fields)


SEATED = D(2020, 1, 1)


def seat_governors(board, names=GOVERNORS, starts_on=SEATED):
    return [
        services.seat_create(
            actor=None,
            board=board,
            person=UserFactory(full_name=name),
            role=Role.VOTING,
            starts_on=starts_on,
        )
        for name in names
    ]


# -- Directors without organisations -------------------------------------------------------------


def test_a_board_that_votes_by_person_seats_seven_directors_without_organisations():
    board = governors_board()
    seats = seat_governors(board)
    assert all(seat.organisation_id is None for seat in seats)
    assert seated_voting_units(board, D(2024, 1, 1)) == 7
    assert board.rule_on(D(2024, 1, 1)).quorum_required(7) == 4
    assert str(seats[0]) == "Ann Smith, Governor"
    assert standing_of(seats[0].person, board, D(2024, 1, 1)).is_voting


def test_a_board_that_votes_by_organisation_refuses_a_vote_without_one():
    board = BoardFactory()  # votes by organisation
    with pytest.raises(SeatConflict, match="votes by organisation"):
        services.seat_create(
            actor=None, board=board, person=UserFactory(), role=Role.VOTING, starts_on=D(2020, 1, 1)
        )
    assert not Seat.objects.filter(board=board).exists()


def test_a_seat_refused_when_the_board_votes_by_organisation_at_any_time_of_it():
    board = governors_board()
    services.quorum_rule_set(
        board=board,
        effective_from=D(2023, 1, 1),
        actor=None,
        quorum_rule=QuorumRule.FIXED,
        quorum_count=3,
        voting_basis=VotingBasis.ORGANISATION,
    )
    # Held only before the change: fine. Running into it: refused.
    services.seat_create(
        actor=None,
        board=board,
        person=UserFactory(),
        role=Role.VOTING,
        starts_on=D(2020, 1, 1),
        ends_on=D(2022, 12, 31),
    )
    with pytest.raises(SeatConflict, match="votes by organisation"):
        services.seat_create(
            actor=None, board=board, person=UserFactory(), role=Role.VOTING, starts_on=D(2022, 6, 1)
        )


def test_two_directors_in_their_own_right_never_clash_as_one_organisations_vote():
    board = governors_board()
    seat_governors(board, names=["Ann Smith", "Ben Jones"])
    assert seats_on(board, D(2024, 1, 1)).count() == 2


def test_an_alternate_still_sits_for_an_organisation():
    with pytest.raises(InvalidRecord, match="alternate or a non-voting member sits for"):
        services.seat_create(
            actor=None,
            board=governors_board(),
            person=UserFactory(),
            role=Role.ALTERNATE,
            starts_on=D(2020, 1, 1),
        )


def test_a_director_may_also_hold_an_office():
    board = governors_board()
    ann = seat_governors(board, names=["Ann Smith"])[0].person
    services.seat_create(
        actor=None, board=board, person=ann, role=Role.TREASURER, starts_on=D(2021, 1, 1)
    )
    standing = standing_of(ann, board, D(2024, 1, 1))
    assert standing.is_voting and standing.is_treasurer
    assert not standing.is_officer  # the treasurer keeps the budget, not the meetings


# -- Unknown start dates --------------------------------------------------------------------------


def test_a_seat_whose_start_is_unknown_is_held_on_any_day_up_to_its_end(cast):
    seat = services.seat_create(
        actor=None,
        board=cast.board,
        person=UserFactory(full_name="Old Timer"),
        organisation=cast.acme,
        role=Role.MEMBER,
        starts_on=None,
        ends_on=D(2015, 6, 30),
    )
    assert seat.holds_on(D(1990, 1, 1)) and seat.holds_on(D(2015, 6, 30))
    assert not seat.holds_on(D(2015, 7, 1))
    assert seats_on(cast.board, D(1990, 1, 1)).get() == seat
    assert not seats_on(cast.board, D(2015, 7, 1)).filter(pk=seat.pk).exists()
    assert standing_of(seat.person, cast.board, D(2001, 5, 5)).is_member
    assert describe_period(seat) == f"{SINCE_BEFORE_RECORDS} to 30 Jun 2015"


def test_an_unknown_start_counts_as_a_vote_seated(cast):
    before = seated_voting_units(cast.board, D(2019, 1, 1))
    services.seat_create(
        actor=None,
        board=cast.board,
        person=UserFactory(),
        organisation=cast.acme,
        role=Role.VOTING,
        starts_on=None,
        ends_on=D(2019, 12, 31),
    )
    assert (before, seated_voting_units(cast.board, D(2019, 1, 1))) == (0, 1)


def test_a_second_vote_for_an_organisation_clashes_with_a_seat_of_unknown_start(cast):
    # Victor represents Acme from 2020 on; a predecessor "since before the records" who never
    # left would overlap him.
    with pytest.raises(SeatConflict, match="one voting representative at a time") as refusal:
        services.seat_create(
            actor=None,
            board=cast.board,
            person=UserFactory(),
            organisation=cast.acme,
            role=Role.VOTING,
            starts_on=None,
        )
    assert "Victor Voter is already the voting representative of Acme from 1 Jan 2020" in str(
        refusal.value
    )
    # Ending the day before Victor starts, it stands.
    services.seat_create(
        actor=None,
        board=cast.board,
        person=UserFactory(),
        organisation=cast.acme,
        role=Role.VOTING,
        starts_on=None,
        ends_on=D(2019, 12, 31),
    )


def test_the_clash_message_says_since_before_the_records(cast):
    cast.acme.seats.filter(role=Role.VOTING).update(starts_on=None)
    with pytest.raises(SeatConflict, match=SINCE_BEFORE_RECORDS):
        services.seat_create(
            actor=None,
            board=cast.board,
            person=UserFactory(),
            organisation=cast.acme,
            role=Role.VOTING,
            starts_on=D(1999, 1, 1),
            ends_on=D(1999, 12, 31),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
def test_postgresql_treats_an_unknown_start_as_unbounded(cast):
    # Written past the service (a raw bulk insert): the database itself refuses the overlap.
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.bulk_create(
            [
                Seat(
                    board=cast.board,
                    person=UserFactory(),
                    organisation=cast.acme,
                    role=Role.VOTING,
                    starts_on=None,
                    ends_on=D(2020, 1, 1),  # Victor's first day
                )
            ]
        )
    Seat.objects.bulk_create(
        [
            Seat(
                board=cast.board,
                person=UserFactory(),
                organisation=cast.acme,
                role=Role.VOTING,
                starts_on=None,
                ends_on=D(2019, 12, 31),
            )
        ]
    )


def test_the_directory_says_since_before_the_records(cast, client_for):
    services.seat_create(
        actor=None, board=cast.board, person=UserFactory(), role=Role.TREASURER, starts_on=None
    )
    response = client_for(cast.victor).get(reverse("members_directory", args=[cast.board.slug]))
    assert f"Treasurer ({SINCE_BEFORE_RECORDS})" in response.text


# -- Offices, co-opted members, observers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.CHAIR, True),
        (Role.SECRETARY, True),
        (Role.TREASURER, True),
        (Role.VICE_CHAIR, False),
        (Role.CO_OPTED, False),
        (Role.OBSERVER, False),
    ],
)
def test_two_factor_is_required_of_the_chair_the_secretary_and_the_treasurer(
    settings, role, required
):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = True
    seat = SeatFactory(role=role, organisation=None, starts_on=D(2020, 1, 1))
    assert two_factor.required_for(seat.person) is required


def test_the_demo_boards_waiver_covers_its_treasurer(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = True
    seat = SeatFactory(
        role=Role.TREASURER,
        organisation=None,
        board=BoardFactory(officers_skip_two_factor=True),
    )
    assert two_factor.required_for(seat.person) is False


def test_the_directory_lists_board_members_officers_and_observers(client_for):
    board = governors_board(co_opted_vote=True)
    ann = seat_governors(board, names=["Ann Smith"])[0].person
    for name, role in [
        ("Cleo Coopted", Role.CO_OPTED),
        ("Otto Observer", Role.OBSERVER),
        ("Tess Treasurer", Role.TREASURER),
        ("Vic Vice", Role.VICE_CHAIR),
    ]:
        services.seat_create(
            actor=None,
            board=board,
            person=UserFactory(full_name=name),
            role=role,
            starts_on=D(2020, 1, 1),
        )
    response = client_for(ann).get(reverse("members_directory", args=[board.slug]))
    text = response.text
    assert "2 board members" in text
    assert 'Ann Smith</a>, <span class="person-role">Governor' in text
    assert 'Cleo Coopted</a>, <span class="person-role">Co-opted member (votes)' in text
    assert 'Otto Observer</a>, <span class="person-role">Observer' in text
    assert "Tess Treasurer" in text and "Treasurer" in text and "Vice-chair" in text
    assert "(Ann Smith" not in text
    assert "No member organisations" not in text


# -- Membership classes, the board's own ----------------------------------------------------------


def test_each_board_keeps_its_own_membership_classes(cast, client_for):
    startup = services.membership_class_create(actor=None, board=cast.board, name="Startup")
    platinum = services.membership_class_create(actor=None, board=cast.other_board, name="Platinum")
    services.organisation_update(organisation=cast.acme, membership_class=startup, actor=None)
    assert list(cast.board.membership_classes.values_list("name", flat=True)) == ["Startup"]
    assert list(cast.other_board.membership_classes.values_list("name", flat=True)) == ["Platinum"]
    with pytest.raises(InvalidRecord, match="this board's own membership classes"):
        services.organisation_update(
            organisation=cast.globex, membership_class=platinum, actor=None
        )
    assert Organisation.objects.get(pk=cast.globex.pk).membership_class is None
    response = client_for(cast.victor).get(reverse("members_directory", args=[cast.board.slug]))
    assert "Startup" in response.text


def test_a_class_name_is_the_boards_once(cast):
    services.membership_class_create(actor=None, board=cast.board, name="Gold")
    services.membership_class_create(actor=None, board=cast.other_board, name="Gold")
    with pytest.raises(InvalidRecord, match="already has a membership class"):
        services.membership_class_create(actor=None, board=cast.board, name="Gold")


def test_a_class_in_use_is_not_deleted(cast):
    gold = services.membership_class_create(actor=None, board=cast.board, name="Gold")
    services.organisation_update(organisation=cast.acme, membership_class=gold, actor=None)
    with pytest.raises(services.RecordInUse):
        services.membership_class_delete(membership_class=gold, actor=None)
    assert MembershipClass.objects.filter(pk=gold.pk).exists()


def test_organisations_of_another_board_are_not_offered_its_classes(cast):
    OrganisationFactory(board=cast.other_board, name="Other Co")
    assert not MembershipClass.objects.filter(board=cast.board).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_directory_of_a_board_of_individuals_costs_the_same_at_any_size(
    client_for, django_assert_num_queries, size
):
    board = governors_board(co_opted_vote=True)
    seats = seat_governors(board, names=[f"Governor {n:02d}" for n in range(size)])
    for _ in range(size):
        for role in (Role.CO_OPTED, Role.OBSERVER):
            services.seat_create(
                actor=None, board=board, person=UserFactory(), role=role, starts_on=SEATED
            )
    client = client_for(seats[0].person)
    url = reverse("members_directory", args=[board.slug])
    client.get(url)
    # The same at both sizes: officers and members in their own right are one query, and the
    # rule in force (whether co-opted members vote) another.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.text.count(', <span class="person-role">Governor') == size


def test_a_governors_dashboard_says_what_they_sit_as(client_for):
    board = governors_board()
    ann = seat_governors(board, names=["Ann Smith"])[0].person
    response = client_for(ann).get(reverse("dashboard", args=[board.slug]))
    assert "You sit as\n    governor." in response.text
    assert "voting representative" not in response.text
