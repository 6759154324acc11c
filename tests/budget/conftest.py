from decimal import Decimal

import pytest

from budget import services
from budget.models import Category, YearStatus
from tests.budget.factories import FiscalYearFactory


@pytest.fixture
def year(cast):
    """The cast's 2024 budget, approved, in USD."""
    return FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.APPROVED)


@pytest.fixture
def line(year, cast):
    return services.budget_line_create(
        fiscal_year=year,
        category=Category.EVENTS,
        title="Hackathon",
        planned=Decimal("8000.00"),
        actor=cast.sam,
    )
