"""Every budget URL against every kind of visitor: anonymous, outsider, member, secretary."""

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import YearStatus
from tests.budget.factories import (
    ApprovedRequestFactory,
    BudgetLineFactory,
    FiscalYearFactory,
)
from tests.budget.helpers import approve, simple_request

pytestmark = pytest.mark.django_db

READERS = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]
NOT_EDITORS = ["alice", "victor", "alan", "greta", "nora", "ivan"]


def urls(year, line, request_):
    """(method, url) for every budget endpoint, on the given objects."""
    slug, number = year.board.slug, year.year
    on = {"year": [slug, number], "line": [slug, line.pk], "request": [slug, request_.pk]}
    endpoints = {
        "year_list": ("get", [slug]),
        "year_overview": ("get", on["year"]),
        "year_export_xlsx": ("get", on["year"]),
        "year_export_csv": ("get", on["year"]),
        "carry_over": ("get", on["year"]),
        "line_detail": ("get", on["line"]),
        "request_detail": ("get", on["request"]),
        "line_create": ("post", on["year"]),
        "year_status": ("post", on["year"]),
        "request_create": ("post", on["line"]),
        "payment_create": ("post", on["line"]),
        "request_edit": ("post", on["request"]),
        "request_propose": ("post", on["request"]),
        "request_approve": ("post", on["request"]),
        "request_reject": ("post", on["request"]),
        "request_settle": ("post", on["request"]),
    }
    return [
        (name, method, reverse(f"budget:{name}", args=args))
        for name, (method, args) in endpoints.items()
    ]


WRITES = {
    "line_create",
    "year_status",
    "request_create",
    "payment_create",
    "request_edit",
    "request_propose",
    "request_approve",
    "request_reject",
    "request_settle",
}


@pytest.fixture
def objects(cast, year, line):
    return (
        year,
        line,
        approve(simple_request(line, cast.sam, "100.00", "Venue"), "100.00", cast.sam),
    )


@pytest.fixture
def others(cast):
    """The other board's year, line and request, with the same year number as ours."""
    year = FiscalYearFactory(board=cast.other_board, year=2024, status=YearStatus.APPROVED)
    line = BudgetLineFactory(fiscal_year=year, title="Their line")
    return year, line, ApprovedRequestFactory(line=line, title="Their request")


def test_the_public_is_sent_to_log_in_everywhere(objects):
    for name, method, url in urls(*objects):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_another_boards_member_sees_nothing_anywhere(cast, objects):
    client = Client()
    client.force_login(cast.olga)
    for name, method, url in urls(*objects):
        assert getattr(client, method)(url).status_code == 404, name


@pytest.mark.parametrize("who", READERS)
def test_every_member_reads(cast, objects, who):
    client = Client()
    client.force_login(getattr(cast, who))
    for name, method, url in urls(*objects):
        if method == "get":
            assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_only_the_secretary_writes(cast, objects, who):
    client = Client()
    client.force_login(getattr(cast, who))
    for name, _, url in urls(*objects):
        if name in WRITES:
            assert client.get(url).status_code in (403, 405), name
            assert client.post(url, {"status": "closed"}).status_code == 403, name
    carry_over = reverse("budget:carry_over", args=["test-board", 2024])
    assert client.post(carry_over).status_code == 403


def test_a_superuser_without_a_seat_writes(objects, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.org", "x", full_name="Root")
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("budget:line_create", args=["test-board", 2024]),
        {"category": "events", "title": "Summit", "planned": "10"},
    )
    assert response.status_code == 302


def test_the_secretary_gets_404_for_another_boards_ids_under_this_board(cast, objects, others):
    client = Client()
    client.force_login(cast.sam)
    ours, theirs = urls(*objects), urls(*others)
    their_year, their_line, their_request = others
    for (name, method, _), (_, _, their_url) in zip(ours, theirs, strict=True):
        if name == "year_list" or "year" in name or name in ("carry_over", "line_create"):
            continue  # addressed by year number, which is this board's own 2024
        url = their_url.replace("/b/other-board/", "/b/test-board/")
        assert getattr(client, method)(url).status_code == 404, name
    their_request_on_our_line = (
        reverse("budget:payment_create", args=["test-board", objects[1].pk])
        + f"?request={their_request.pk}"
    )
    assert client.get(their_request_on_our_line).status_code == 404
    their_request.refresh_from_db()
    their_line.refresh_from_db()
    assert their_request.title == "Their request" and not their_line.payments.exists()
