"""How the budget's pages scale: render time and query count at 5 and 500 lines.

    uv run python bench/budget_overview.py

Builds a throwaway SQLite database (or uses DATABASE_URL's server with a test_ database), fills a
year with N lines, each with an approved request, a cost item and two payments, and renders the
year overview, a line and a request as the secretary, as the browser would get them.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="boardroom-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()
    from django.conf import settings
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        for size in (5, 500):
            report(size)
    finally:
        runner.teardown_databases(old)


def report(size: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.test import Client

    from budget.models import (
        BudgetLine,
        Category,
        CostItem,
        FiscalYear,
        Payment,
        RequestStatus,
        SpendingRequest,
    )
    from governance.models import Board, Role, Seat, User

    board = Board.objects.create(name=f"Bench {size}", slug=f"bench-{size}", quorum_count=1)
    secretary = User.objects.create_user(f"sec{size}@example.org", full_name="Sam Secretary")
    Seat.objects.create(
        board=board, person=secretary, role=Role.SECRETARY, starts_on=dt.date(2020, 1, 1)
    )
    year = FiscalYear.objects.create(
        board=board,
        year=2024,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        currency="USD",
    )
    categories = Category.values
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            fiscal_year=year,
            category=categories[n % len(categories)],
            title=f"Line {n}",
            planned=Decimal("1000.00"),
        )
        for n in range(size)
    )
    requests = SpendingRequest.objects.bulk_create(
        SpendingRequest(
            line=line,
            title=f"Request {line.title}",
            currency="USD",
            status=RequestStatus.APPROVED,
            approved_amount=Decimal("600.00"),
        )
        for line in lines
    )
    CostItem.objects.bulk_create(
        CostItem(request=request, description="Item", unit_cost=Decimal("550.00"))
        for request in requests
    )
    Payment.objects.bulk_create(
        Payment(
            line_id=request.line_id,
            request=request,
            paid_on=dt.date(2024, 5, 1),
            amount=Decimal("123.45"),
            currency="USD",
            base_amount=Decimal("123.45"),
        )
        for request in requests
        for _ in range(2)
    )
    client = Client()
    client.force_login(secretary)
    pages = {
        "year overview": f"/b/{board.slug}/budget/2024/",
        "line page": f"/b/{board.slug}/budget/lines/{lines[-1].pk}/",
        "request page": f"/b/{board.slug}/budget/requests/{requests[-1].pk}/",
        "workbook export": f"/b/{board.slug}/budget/2024/export.xlsx",
    }
    for name, url in pages.items():
        timings = []
        queries = 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as context:
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(context)
        print(
            f"{size:>4} lines  {name:<16} median {statistics.median(timings) * 1000:7.1f} ms"
            f"  {queries:>2} queries"
        )


if __name__ == "__main__":
    main()
