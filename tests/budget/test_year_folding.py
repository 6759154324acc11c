"""A year of many lines opens folded (each category's subtotal, summed by the database) and a
category's lines come a page at a time; the sums are those the full overview computes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import Category
from budget.queries import FOLD_LINES_OVER, LINES_PER_PAGE, year_overview, year_summary
from tests.budget.factories import (
    ApprovedRequestFactory,
    BudgetLineFactory,
    PaymentFactory,
    SpendingRequestFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]


def overview_url(**query):
    url = reverse("budget:year_overview", args=["test-board", 2024])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def lines(year, count, category=Category.EVENTS, start=0):
    """`count` lines of `category`, titled in order; every third over-spent, the next paid
    exactly what was approved (not over-spent)."""
    made = []
    for number in range(start, start + count):
        line = BudgetLineFactory(
            fiscal_year=year, category=category, title=f"Line {number:03d}", planned=Decimal(900)
        )
        request = ApprovedRequestFactory(line=line, approved_amount=Decimal("300.00"))
        PaymentFactory(
            request=request, line=line, amount=Decimal(("400.00", "300.00", "120.10")[number % 3])
        )
        made.append(line)
    return made


def test_the_summed_figures_are_those_of_the_full_overview(cast, year):
    for index, category in enumerate(Category.values[:4]):
        lines(year, 3 + index, category=category, start=10 * index)
    SpendingRequestFactory(line=year.lines.first())  # a draft: counts nowhere
    full, summed = year_overview(year), year_summary(year)
    assert [g.category for g in summed.groups] == [g.category for g in full.groups]
    for mine, theirs in zip(summed.groups, full.groups, strict=True):
        assert mine.subtotal == theirs.subtotal
        assert mine.line_count == len(theirs.lines)
        assert mine.overspent_count == sum(1 for line in theirs.lines if line.overspent_by)
    assert summed.total == full.total and summed.line_count == full.line_count
    one = year_summary(year, Category.values[1])
    assert one.total == full.groups[1].subtotal and len(one.groups) == 1


def test_a_small_year_shows_every_line(cast, client_for, year):
    lines(year, 3)
    text = client_for(cast.nora).get(overview_url()).text
    assert "Line 000" in text and "Line 002" in text and "Events subtotal" in text


def test_a_large_year_opens_folded_with_counts_and_links(cast, client_for, year):
    lines(year, FOLD_LINES_OVER - 5)
    lines(year, 6, category=Category.MARKETING, start=500)
    text = client_for(cast.nora).get(overview_url()).text
    assert "Line 000" not in text
    assert '<a href="?category=events#lines-heading">Events</a>' in text
    assert f"{FOLD_LINES_OVER - 5} lines" in text and "6 lines" in text
    assert '<span class="chip chip-bad" data-flag="overspent">2 over-spent</span>' in text
    assert f"{FOLD_LINES_OVER + 1} lines, shown by category: choose a category" in text
    # The year's total is still the whole year's.
    assert f"{(FOLD_LINES_OVER + 1) * 900:,}.00" in text


def test_a_category_comes_a_page_at_a_time(cast, client_for, year):
    lines(year, LINES_PER_PAGE + 2)
    client = client_for(cast.nora)
    first = client.get(overview_url(category="events")).text
    assert "Line 000" in first and f"Line {LINES_PER_PAGE - 1:03d}" in first
    assert f"Line {LINES_PER_PAGE:03d}" not in first
    assert f"Lines 1–{LINES_PER_PAGE} of {LINES_PER_PAGE + 2}, by title (page 1 of 2)" in first
    assert 'href="?category=events&amp;page=2#lines-heading" rel="next"' in first
    assert f"(all {LINES_PER_PAGE + 2} lines)" in first
    last = client.get(overview_url(category="events", page=2)).text
    assert f"Line {LINES_PER_PAGE + 1:03d}" in last and "Line 000" not in last
    assert 'href="?category=events&amp;page=1#lines-heading" rel="prev"' in last


@pytest.mark.parametrize("page", ["0", "-1", "x", "", "99", "1e3", "9" * 30])
def test_a_page_that_is_not_one_shows_the_nearest(cast, client_for, year, page):
    lines(year, LINES_PER_PAGE + 1)
    response = client_for(cast.nora).get(overview_url(category="events", page=page))
    assert response.status_code == 200
    assert "Line 0" in response.text


@pytest.mark.parametrize("query", [{"category": "marketing"}, {"category": "nope", "page": "2"}])
def test_an_empty_or_unknown_category_answers_without_error(cast, client_for, year, query):
    lines(year, 2)
    response = client_for(cast.nora).get(overview_url(**query))
    assert response.status_code == 200


def test_the_htmx_filter_swaps_a_page_with_its_pager(cast, client_for, year):
    lines(year, LINES_PER_PAGE + 1)
    response = client_for(cast.nora).get(
        overview_url(category="events", page=2),
        headers={"HX-Request": "true", "HX-Target": "budget-table"},
    )
    assert response.text.lstrip().startswith('<div id="budget-table"')
    assert f"Line {LINES_PER_PAGE:03d}" in response.text and 'rel="prev"' in response.text


@pytest.mark.parametrize("who", ROLES)
def test_every_member_reads_a_category_page(cast, client_for, year, who):
    lines(year, LINES_PER_PAGE + 1)
    response = client_for(getattr(cast, who)).get(overview_url(category="events", page=2))
    assert response.status_code == 200 and f"Line {LINES_PER_PAGE:03d}" in response.text


def test_anonymous_and_another_board_see_no_page(cast, client_for, year):
    lines(year, 1)
    response = Client().get(overview_url(category="events", page=2))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client_for(cast.olga).get(overview_url(category="events", page=2))
    assert response.status_code == 404 and "Line 000" not in response.text


def test_the_page_costs_the_same_queries_at_5_lines_and_150(cast, client_for, year):
    client = client_for(cast.nora)
    counts = {}
    for size in (5, 150):
        lines(year, size - len(counts) * 5, start=len(counts) * 5)
        for name, query in (("year", {}), ("category", {"category": "events", "page": "2"})):
            client.get(overview_url(**query))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(overview_url(**query)).status_code == 200
            counts.setdefault(name, []).append(len(queries))
    # Folded, the large year reads no lines at all: one query fewer.
    assert counts["year"][1] <= counts["year"][0] <= 12, counts
    assert counts["category"][0] == counts["category"][1] <= 12, counts
