"""Hostile text (controls, overrides, NULs, huge strings, random unicode) given to the name rule,
the profile page and the services that keep what people type: each answer is a refusal in words
(DomainError, ValidationError, a form error) or a stored value that reads back as it was kept.
Never another exception, and never a NUL sent to the database (PostgreSQL cannot store one).
Run on both databases: DATABASE_URL=postgres://... selects PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions import services as action_services
from actions.models import ActionItem
from budget import services as budget_services
from budget.models import Category, SpendingRequest, YearStatus
from governance import services, text
from governance.exceptions import DomainError
from governance.forms import ProfileForm
from governance.models import Organisation, User
from motions import services as motion_services
from motions.models import Method, Motion
from tests.budget.factories import FiscalYearFactory
from tests.budget.test_pages import request_post

pytestmark = pytest.mark.django_db

SPECIALS = [
    "\x00",
    "\x1b",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\ufeff",
    "\u3164",  # Hangul filler
    "\u0301",  # combining acute
    "\r\n",
    "\t",
    "<script>alert(1)</script>",
    "Ada",
    "é",
    " ",
]
# Every category but surrogates, which no str sent over HTTP or to a database can hold.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.lists(st.sampled_from(SPECIALS), max_size=12).map("".join),
    # Something readable with one hostile character planted in it.
    st.tuples(st.sampled_from(SPECIALS[:7]), ANY_TEXT).map(lambda pair: f"Ada{pair[0]}{pair[1]}"),
    st.integers(min_value=100, max_value=250_000).map(lambda n: "Ada " * (n // 4)),
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REFUSALS = (DomainError, ValidationError)


@pytest.fixture
def line(cast):
    year = FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.APPROVED)
    return budget_services.budget_line_create(
        fiscal_year=year,
        category=Category.EVENTS,
        title="Hackathon",
        planned=Decimal("8000.00"),
        actor=cast.sam,
    )


def each_example_undone(check):
    """Run `check` in a savepoint rolled back after it, so examples do not see each other."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


# -- The name rule -------------------------------------------------------------------------------


@FUZZ
@given(typed=HOSTILE)
def test_a_name_is_refused_in_words_or_kept_readable(typed):
    try:
        kept = text.clean_name(typed)
    except ValidationError as refusal:
        assert refusal.messages[0] in (
            text.NAME_HAS_BIDI,
            text.NAME_HAS_CONTROL,
            text.NAME_INVISIBLE,
        )
        return
    assert text.clean_name(kept) == kept  # normalising twice changes nothing
    assert kept == kept.strip() and "  " not in kept
    assert "\x00" not in kept and not set(kept) & text.BIDI_CONTROLS
    assert kept == "" or text.name_refusal(kept) == ""


# -- The profile page ------------------------------------------------------------------------------


@FUZZ
@given(name=HOSTILE, affiliation=HOSTILE)
def test_the_profile_form_refuses_or_keeps_a_readable_name(cast, name, affiliation):
    form = ProfileForm(
        {"full_name": name, "affiliation": affiliation, "timezone": ""}, instance=cast.victor
    )
    if form.is_valid():
        assert form.cleaned_data["full_name"] == text.clean_name(name)
        assert form.cleaned_data["affiliation"] == text.clean_name(affiliation)
    else:
        assert form.errors
    cast.victor.refresh_from_db()


@settings(FUZZ, max_examples=25)
@given(name=HOSTILE)
def test_the_profile_page_answers_every_name_without_a_500(cast, name):
    client = Client(raise_request_exception=False)
    client.force_login(cast.victor)

    def check():
        response = client.post(
            reverse("profile"), {"full_name": name, "affiliation": "", "timezone": ""}
        )
        assert response.status_code in (200, 302)
        stored = User.objects.get(pk=cast.victor.pk).full_name
        if response.status_code == 302:
            assert stored == text.clean_name(name)
        else:
            assert stored == "Victor Voter"

    each_example_undone(check)


# -- The services ----------------------------------------------------------------------------------


@FUZZ
@given(name=HOSTILE)
def test_person_update_refuses_or_stores_the_name_it_was_given(cast, name):
    def check():
        try:
            services.person_update(person=cast.victor, actor=cast.sam, full_name=name)
        except REFUSALS:
            assert User.objects.get(pk=cast.victor.pk).full_name == "Victor Voter"
            return
        assert User.objects.get(pk=cast.victor.pk).full_name == text.clean_name(name)

    each_example_undone(check)


@FUZZ
@given(name=HOSTILE, short_name=HOSTILE)
def test_organisation_create_refuses_or_stores_the_name_it_was_given(cast, name, short_name):
    def check():
        try:
            organisation = services.organisation_create(
                actor=cast.sam, board=cast.board, name=name, short_name=short_name
            )
        except REFUSALS:
            return
        stored = Organisation.objects.get(pk=organisation.pk)
        assert (stored.name, stored.short_name) == (
            text.clean_name(name),
            text.clean_name(short_name),
        )

    each_example_undone(check)


@FUZZ
@given(wording=HOSTILE)
def test_a_motion_refuses_or_keeps_its_wording(cast, wording):
    def check():
        try:
            motion = motion_services.motion_create(
                board=cast.board,
                actor=cast.sam,
                details=motion_services.MotionDetails(
                    text=wording,
                    method=Method.BALLOT,
                    closes_at=timezone.now() + dt.timedelta(days=7),
                ),
            )
        except REFUSALS:
            return
        assert Motion.objects.get(pk=motion.pk).text == wording.strip()

    each_example_undone(check)


@FUZZ
@given(description=HOSTILE, said_as=HOSTILE)
def test_an_action_refuses_or_keeps_its_description(cast, description, said_as):
    def check():
        try:
            action = action_services.action_record(
                board=cast.board,
                description=description,
                said_as=said_as,
                owners=[cast.victor],
                actor=cast.sam,
            )
        except REFUSALS:
            return
        stored = ActionItem.objects.get(pk=action.pk)
        assert stored.description == description.strip()

    each_example_undone(check)


@FUZZ
@given(title=HOSTILE, description=HOSTILE, notes=HOSTILE)
def test_a_spending_request_refuses_or_keeps_its_text(cast, line, title, description, notes):
    def check():
        try:
            request = budget_services.spending_request_save(
                line=line,
                actor=cast.sam,
                data=budget_services.RequestInput(
                    title=title,
                    description=description,
                    notes=notes,
                    currency="USD",
                    items=[
                        budget_services.CostItemInput(description="Venue", unit_cost=Decimal(1))
                    ],
                ),
            )
        except REFUSALS:
            return
        stored = SpendingRequest.objects.get(pk=request.pk)
        assert (stored.title, stored.description, stored.notes) == (title, description, notes)

    each_example_undone(check)


@settings(FUZZ, max_examples=25)
@given(title=HOSTILE, amount=HOSTILE, rate=HOSTILE)
def test_the_request_page_answers_any_title_and_amount_without_a_500(
    cast,
    line,
    title,
    amount,
    rate,
):
    client = Client(raise_request_exception=False)
    client.force_login(cast.sam)
    url = reverse("budget:request_create", args=["test-board", line.pk])

    def check():
        post = request_post(
            **{"title": title, "items-0-unit_cost": amount, "exchange_rate": rate},
            **{"shares-TOTAL_FORMS": "0"},
        )
        response = client.post(url, post)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert not SpendingRequest.objects.exists()

    each_example_undone(check)


# -- NUL characters: refused in words on SQLite and PostgreSQL alike ------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: services.person_update(person=c.victor, actor=c.sam, affiliation="Ac\x00me"),
        lambda c: services.person_update(person=c.victor, actor=c.sam, full_name="Vic\x00tor"),
        lambda c: services.organisation_create(actor=c.sam, board=c.board, name="Nul\x00 Inc"),
        lambda c: services.board_update(board=c.board, actor=c.sam, description="a\x00b"),
        lambda c: services.seat_update(seat=c.victor.seats.get(), actor=c.sam, note="a\x00"),
        lambda c: motion_services.motion_create(
            board=c.board,
            actor=c.sam,
            details=motion_services.MotionDetails(
                text="Adopt\x00",
                method=Method.BALLOT,
                closes_at=timezone.now() + dt.timedelta(days=7),
            ),
        ),
        lambda c: action_services.action_record(
            board=c.board, description="Send\x00", owners=[c.victor], actor=c.sam
        ),
        lambda c: action_services.action_record(
            board=c.board, description="Send", said_as="\x00", owners=[c.victor], actor=c.sam
        ),
    ],
    ids=[
        "affiliation",
        "full_name",
        "organisation",
        "board",
        "seat",
        "motion",
        "action",
        "said_as",
    ],
)
def test_a_nul_character_is_refused_in_words(cast, call):
    with pytest.raises(DomainError, match="NUL|control"):
        call(cast)


def test_a_nul_in_a_spending_request_is_refused_in_words(cast, line):
    for field_name in ("title", "description", "notes"):
        data = {"title": "Venue", field_name: "a\x00b"}
        with pytest.raises(REFUSALS):
            budget_services.spending_request_save(
                line=line,
                actor=cast.sam,
                data=budget_services.RequestInput(
                    currency="USD",
                    items=[
                        budget_services.CostItemInput(description="Venue", unit_cost=Decimal(1))
                    ],
                    **data,
                ),
            )
    assert not SpendingRequest.objects.exists()
