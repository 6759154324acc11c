"""The cast every test shares, and the browser harness.

One board ("Test Board", quorum 2 of its voting organisations) with:
  alice   chair (no organisation)            sam    secretary (staff)
  victor  voting representative, Acme        alan   alternate, Acme
  greta   voting representative, Globex      nora   non-voting member, Globex
  ivan    voting representative, Initech
and olga, voting representative on another board, who must see nothing of this one.
Everyone's password is PASSWORD.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from governance.models import Role
from tests.factories import (
    SEATED_FROM,
    BoardFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"  # noqa: S105
# Screenshots; CI gives each of its concurrent runs a folder of its own.
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def make_cast():
    board = BoardFactory(name="Test Board", slug="test-board", quorum_count=2)
    acme = OrganisationFactory(board=board, name="Acme Corporation", short_name="Acme")
    globex = OrganisationFactory(board=board, name="Globex", short_name="Globex")
    initech = OrganisationFactory(board=board, name="Initech", short_name="Initech")

    def person(name: str, email: str):
        return UserFactory(full_name=name, email=email)

    cast = SimpleNamespace(board=board, acme=acme, globex=globex, initech=initech)
    cast.alice = person("Alice Chair", "alice@example.org")
    cast.sam = person("Sam Secretary", "sam@example.org")
    cast.victor = person("Victor Voter", "victor@example.org")
    cast.alan = person("Alan Alternate", "alan@example.org")
    cast.greta = person("Greta Globex", "greta@example.org")
    cast.nora = person("Nora Nonvoting", "nora@example.org")
    cast.ivan = person("Ivan Initech", "ivan@example.org")
    cast.olga = person("Olga Outsider", "olga@example.org")

    def seat(who, role, organisation=None, board=board):
        return SeatFactory(
            board=board, person=who, organisation=organisation, role=role, starts_on=SEATED_FROM
        )

    seat(cast.alice, Role.CHAIR)
    seat(cast.sam, Role.SECRETARY)
    seat(cast.victor, Role.VOTING, acme)
    seat(cast.alan, Role.ALTERNATE, acme)
    seat(cast.greta, Role.VOTING, globex)
    seat(cast.nora, Role.MEMBER, globex)
    seat(cast.ivan, Role.VOTING, initech)
    cast.other_board = BoardFactory(name="Other Board", slug="other-board")
    cast.other_org = OrganisationFactory(board=cast.other_board, name="Umbrella")
    seat(cast.olga, Role.VOTING, cast.other_org, board=cast.other_board)
    return cast


def _delete_instead_of_truncating_on_postgresql() -> None:
    """After each transaction=True test (the browser tests, the races) Django empties every table.

    On PostgreSQL it does so with one TRUNCATE of all of them, which makes new files for every
    table and index: about 3 s a test on a busy machine, most of the PostgreSQL run's extra time.
    A test leaves a few rows, and DELETE removes them in milliseconds with the same result
    (empty tables, sequences as they were: Django truncates without RESTART IDENTITY), as
    Django's MySQL backend already flushes. Django's foreign keys are checked at commit; the few
    that are not deferrable (budget's payment line, made in SQL) decide the order: a table is
    emptied before the tables it refers to that way.
    """
    from graphlib import TopologicalSorter

    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND NOT condeferrable"
            )
            refers_to = cursor.fetchall()
        # Each table after every table that refers to it: the sorter puts predecessors first.
        order = TopologicalSorter({table: set() for table in tables})
        for referring, referred in refers_to:
            name = referred.strip('"')
            if name in tables and referring.strip('"') in tables:
                order.add(name, referring.strip('"'))
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"DELETE FROM {self.quote_name(table)}"  # noqa: S608 - Django's own table names
            for table in order.static_order()
        ]

    DatabaseOperations.sql_flush = sql_flush


_delete_instead_of_truncating_on_postgresql()


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: throttles and cached renders never carry over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def board(cast):
    return cast.board


@pytest.fixture
def client_for():
    """client_for(user) -> a test Client logged in as that user (None: anonymous)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# -- Browser harness -----------------------------------------------------------------------------


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    reason = f"no Chromium at {CHROMIUM} (install Debian's chromium package)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request, live_server):
    """new_page(user=None) -> a Playwright page in a fresh context, logged in as `user`.

    Each call is a separate browser context (a separate person). On failure every page is
    saved as a screenshot under test-artifacts/.
    """
    contexts = []

    def make(user=None, viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 860})
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
            )
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{index}-{number}.png")
    for context in contexts:
        context.close()
