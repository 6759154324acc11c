"""Every free text a member or officer types has a limit that its form states and its service
holds, so a caller other than the page (the console, the admin, a command) is held to it too."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from actions import services as action_services
from actions.errors import ActionRefused
from budget import forms as budget_forms
from budget import services as budget_services
from budget.models import Category, YearStatus
from governance import services
from governance.text import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX
from minutes import forms as minutes_forms
from motions import forms as motion_forms
from motions import services as motion_services
from motions.errors import InvalidMotion
from motions.models import Method
from tests.budget.factories import FiscalYearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cast):
    return FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.APPROVED)


def ballot(cast, wording):
    return motion_services.motion_create(
        board=cast.board,
        actor=cast.sam,
        details=motion_services.MotionDetails(
            text=wording, method=Method.BALLOT, closes_at=timezone.now() + dt.timedelta(days=7)
        ),
    )


def action(cast, description="Send the report", said_as=""):
    return action_services.action_record(
        board=cast.board,
        description=description,
        said_as=said_as,
        owners=[cast.victor],
        actor=cast.sam,
    )


LINE_NUMBERS = itertools.count(1)


def line(cast, year, notes):
    return budget_services.budget_line_create(
        fiscal_year=year,
        category=Category.EVENTS,
        title=f"Line {next(LINE_NUMBERS)}",
        planned=Decimal(1),
        notes=notes,
        actor=cast.sam,
    )


def request(cast, year, **text):
    return budget_services.spending_request_save(
        line=line(cast, year, ""),
        actor=cast.sam,
        data=budget_services.RequestInput(
            title="Venue",
            currency="USD",
            items=[budget_services.CostItemInput(description="Venue", unit_cost=Decimal(1))],
            **text,
        ),
    )


# (what, limit, call(cast, year, text), refusal)
SERVICES = [
    ("motion", motion_services.TEXT_MAX, lambda c, y, t: ballot(c, t), InvalidMotion),
    ("action", action_services.DESCRIPTION_MAX, lambda c, y, t: action(c, t), ActionRefused),
    (
        "said_as",
        action_services.DESCRIPTION_MAX,
        lambda c, y, t: action(c, said_as=t),
        ActionRefused,
    ),
    (
        "action note",
        action_services.NOTE_MAX,
        lambda c, y, t: action_services.action_update(action=action(c), actor=c.sam, note=t),
        ActionRefused,
    ),
    ("line notes", NOTE_MAX, lambda c, y, t: line(c, y, t), budget_services.BudgetError),
    (
        "request notes",
        NOTE_MAX,
        lambda c, y, t: request(c, y, notes=t),
        budget_services.BudgetError,
    ),
    (
        "request description",
        DESCRIPTION_MAX,
        lambda c, y, t: request(c, y, description=t),
        budget_services.BudgetError,
    ),
    (
        "year notes",
        NOTE_MAX,
        lambda c, y, t: budget_services.fiscal_year_update(
            fiscal_year=y, actor=c.sam, starts_on=y.starts_on, ends_on=y.ends_on, notes=t
        ),
        budget_services.BudgetError,
    ),
    (
        "board description",
        DESCRIPTION_MAX,
        lambda c, y, t: services.board_update(board=c.board, actor=c.sam, description=t),
        services.InvalidRecord,
    ),
]


@pytest.mark.parametrize(
    ("limit", "call", "refusal"),
    [entry[1:] for entry in SERVICES],
    ids=[entry[0] for entry in SERVICES],
)
def test_a_service_keeps_text_at_its_limit_and_refuses_one_more(cast, year, limit, call, refusal):
    call(cast, year, "x" * limit)
    with pytest.raises(refusal, match=f"{limit:,}|{limit}"):
        call(cast, year, "y" * (limit + 1))


FORMS = [
    (motion_forms.CorrectionForm, "text", motion_services.TEXT_MAX),
    (motion_forms.CorrectionForm, "reason", REASON_MAX),
    (minutes_forms.RevisionForm, "reason", NOTE_MAX),
    (minutes_forms.CommentForm, "text", DESCRIPTION_MAX),
    (minutes_forms.CommentForm, "passage", DESCRIPTION_MAX),
    (minutes_forms.CommentForm, "proposed", DESCRIPTION_MAX),
    (budget_forms.BudgetLineForm, "notes", NOTE_MAX),
    (budget_forms.SpendingRequestForm, "description", DESCRIPTION_MAX),
    (budget_forms.SpendingRequestForm, "notes", NOTE_MAX),
]


@pytest.mark.parametrize(
    ("form_class", "field", "limit"),
    FORMS,
    ids=[f"{form.__name__}.{field}" for form, field, _ in FORMS],
)
def test_a_form_states_the_limit_of_its_free_text(cast, form_class, field, limit):
    kwargs = {"board": cast.board} if form_class is budget_forms.SpendingRequestForm else {}
    form = form_class({field: "z" * (limit + 1)}, **kwargs)
    assert not form.is_valid()
    assert f"at most {limit} characters" in " ".join(form.errors[field])
