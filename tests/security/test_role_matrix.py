"""The role matrix, walked: every URL pattern of the URLconf, every role, GET and POST.

The expectations live in tests/security/role_matrix.py; this module builds one board with a
meeting of each kind and everything hanging off them, then asks each pattern as each person.

A URL pattern the matrix does not list fails with a message naming it and a row to paste, built
from what the walk saw (review it before pasting: the observed answer is not always the right one).

Set ROLE_MATRIX_REPORT=path to write every cell's observed outcome as a table (for review).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from budget import services as budget_services
from budget.models import Category, YearStatus
from governance.models import Role
from meetings import services as meeting_services
from meetings.models import Note
from meetings.proxies import proxy_name
from minutes import services as minutes_services
from tests.actions.factories import raise_action
from tests.budget.factories import FiscalYearFactory, SpendingRequestFactory
from tests.conftest import make_cast
from tests.factories import SEATED_FROM, OrganisationFactory, SeatFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend, started_meeting
from tests.motions.conftest import opened
from tests.security.role_matrix import (
    ADMIN_FAMILY,
    ADMIN_SAMPLES,
    CONFLICT,
    CROSS_BOARD,
    FORBIDDEN,
    KNOWN_DEFECTS,
    LOGIN,
    MATRIX,
    METHODS,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SERVER_ERROR,
    Row,
)

# Each test runs in a savepoint of the module's transaction (see `world`).
pytestmark = pytest.mark.django_db

# -- The URL map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the full route of an unnamed pattern
    route: str
    params: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]


def walk_urlconf(resolver=None, namespace="", prefix="", params=()) -> Iterator[Pattern]:
    """Every pattern of the URLconf, named or not; the admin is one family (ADMIN_FAMILY)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = (*params, *getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield Pattern(ADMIN_FAMILY, route, (), ())
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_urlconf(entry, inner, route, found)
        elif isinstance(entry, URLPattern):
            regex_groups = tuple(entry.pattern.regex.groupindex)
            names = tuple(dict.fromkeys((*found, *regex_groups)))
            key = f"{namespace}{entry.name}" if entry.name else route
            yield Pattern(key, route, names, tuple(sorted((entry.default_args or {}).items())))


def url_patterns() -> dict[str, Pattern]:
    patterns: dict[str, Pattern] = {}
    for pattern in walk_urlconf():
        # A name may be mounted twice (Django's auth URLs under ours): the first one resolves.
        patterns.setdefault(pattern.key, pattern)
    return patterns


PATTERNS = url_patterns()


# -- The board, with one of everything ------------------------------------------------------------


def build_world() -> SimpleNamespace:
    cast = make_cast()
    now = timezone.now()
    # Ended seat: sat on the board until last year, on Initech's behalf.
    cast.ethan = UserFactory(full_name="Ethan Former", email="ethan@example.org")
    SeatFactory(
        board=cast.board,
        person=cast.ethan,
        organisation=cast.initech,
        role=Role.MEMBER,
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2021, 12, 31),
    )
    # The treasurer: an office held in her own right, no vote; she keeps the budget.
    cast.tessa = UserFactory(full_name="Tessa Treasurer", email="tessa@example.org")
    SeatFactory(
        board=cast.board,
        person=cast.tessa,
        organisation=None,
        role=Role.TREASURER,
        starts_on=SEATED_FROM,
    )
    # The admin's owners: one with no seat, one with a staff seat (as the demo's Sarah Conway).
    cast.root = UserFactory(full_name="Root Admin", email="root@example.org")
    cast.stella = UserFactory(full_name="Stella Staff", email="stella@example.org")
    for admin in (cast.root, cast.stella):
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    SeatFactory(
        board=cast.board,
        person=cast.stella,
        organisation=None,
        role=Role.STAFF,
        starts_on=SEATED_FROM,
    )

    # A meeting adjourned, with circulated minutes and a member's comment on them.
    adjourned = MeetingFactory(board=cast.board, title="Adjourned meeting")
    first = AgendaItemFactory(meeting=adjourned, position=1, title="Budget")
    attend(adjourned, cast.alice, cast.victor, cast.greta, actor=cast.alice)
    adjourned = meeting_services.meeting_start(
        meeting=adjourned, actor=cast.alice, at=adjourned.starts_at
    )
    first.meeting = adjourned
    meeting_services.note_record(
        item=first, text="Victor: the budget is fine", author=cast.alice, at=adjourned.started_at
    )
    adjourned = meeting_services.meeting_adjourn(
        meeting=adjourned, actor=cast.alice, at=adjourned.started_at + dt.timedelta(minutes=30)
    )
    minutes = minutes_services.minutes_generate(meeting=adjourned, actor=cast.sam)
    # An action summary the secretary wrote in, for its own page (minutes:action_summary).
    minutes_services.minutes_revise(
        minutes=minutes,
        text=minutes.text
        + "\n## Action summary from the previous meeting\n\n**Open**\n\n- Action Victor: Ask.\n",
        summary="Action summary",
        reason="",
        actor=cast.sam,
    )
    minutes.refresh_from_db()
    minutes = minutes_services.minutes_circulate(minutes=minutes, actor=cast.sam)
    comment = minutes_services.minutes_comment(
        minutes=minutes, actor=cast.victor, text="Spell Globex right"
    )

    # A meeting in progress, an hour in, with a note, an open motion and an action under it.
    started = now - dt.timedelta(hours=1)
    live = started_meeting(cast.board, with_items=2, actor=cast.alice, at=started)
    attend(live, cast.alice, cast.victor, cast.alan, cast.greta, cast.nora, cast.ivan, at=started)
    # The proxy: Umbrella's representative (uma) is away; its non-voting member (percy) is
    # present and holds her vote.
    umbrella = OrganisationFactory(board=cast.board, name="Umbrella", short_name="Umbrella")
    cast.uma = UserFactory(full_name="Uma Umbrella", email="uma@example.org")
    cast.percy = UserFactory(full_name="Percy Proxy", email="percy@example.org")
    for person, role in ((cast.uma, Role.VOTING), (cast.percy, Role.MEMBER)):
        SeatFactory(
            board=cast.board,
            person=person,
            organisation=umbrella,
            role=role,
            starts_on=SEATED_FROM,
        )
    attend(live, cast.percy, at=started)
    proxy_name(meeting=live, grantor=cast.uma, holder=cast.percy, actor=cast.uma)
    live_item = live.items.in_order().first()
    meeting_services.agenda_item_open(item=live_item, actor=cast.alice, at=started)
    meeting_services.note_record(item=live_item, text="Greta: agreed", author=cast.alice)
    motion = opened(cast, live)
    action = raise_action(cast, cast.victor, text="Send the report")

    # A meeting scheduled next month, with an agenda item to plan around.
    scheduled = MeetingFactory(
        board=cast.board, title="Next meeting", starts_at=now + dt.timedelta(days=30)
    )
    scheduled_item = AgendaItemFactory(meeting=scheduled, position=1, title="Plans")
    # Victor (Acme) has named Alan, Acme's alternate, to hold his vote at it.
    proxy = proxy_name(meeting=scheduled, grantor=cast.victor, holder=cast.alan, actor=cast.victor)

    # The budget: this year's, approved, with a line and a member's draft request on it.
    year = FiscalYearFactory(board=cast.board, year=now.year, status=YearStatus.APPROVED)
    line = budget_services.budget_line_create(
        fiscal_year=year,
        category=Category.EVENTS,
        title="Hackathon",
        planned=Decimal("8000.00"),
        actor=cast.sam,
    )
    spending = SpendingRequestFactory(line=line, title="Pizza", requested_by=cast.victor)

    meetings = {
        "live": (live, live_item),
        "adjourned": (adjourned, first),
        "scheduled": (scheduled, scheduled_item),
    }
    return SimpleNamespace(
        cast=cast,
        meetings=meetings,
        motion=motion,
        action=action,
        year=year,
        line=line,
        spending=spending,
        comment=comment,
        proxy=proxy,
        people={
            "anonymous": None,
            "other_board": cast.olga,
            "ended_seat": cast.ethan,
            "non_voting": cast.nora,
            "voting": cast.victor,
            "alternate": cast.alan,
            "chair": cast.alice,
            "secretary": cast.sam,
            "treasurer": cast.tessa,
            "proxy": cast.percy,
            "staff_seat": cast.stella,
            "superuser": cast.root,
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; every
    request runs in a savepoint of its own, rolled back after it, so no request sees another's
    writes and the order of the walk does not matter."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.sessions = {}
        for role, user in world.people.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


def sample_kwargs(world, pattern: Pattern, row: Row, role: str, board_slug: str) -> dict:
    meeting, item = world.meetings[row.meeting]
    values = {
        "board_slug": board_slug,
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "motion_id": world.motion.pk,
        "action_id": world.action.pk,
        "year": world.year.year,
        "line_id": world.line.pk,
        "request_id": world.spending.pk,
        "comment_id": world.comment.pk,
        "proxy_id": world.proxy.pk,
        "attendance_id": meeting.attendances.order_by("pk").values_list("pk", flat=True).first(),
        "note_id": Note.objects.filter(item__meeting=meeting)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "uidb64": "MQ",
        "action": "close",
    }
    if pattern.key == "password_reset_confirm":
        values["token"] = "set-password"
    if row.kwargs:
        extra = placeholders(world, row)
        values.update((name, str(value).format(**extra)) for name, value in row.kwargs.items())
    defaults = dict(pattern.defaults)
    unknown = [name for name in pattern.params if name not in values and name not in defaults]
    if unknown:
        pytest.fail(
            f"{pattern.key}: no sample value for {unknown}; give one in the row's kwargs, or "
            "build the object in build_world() and add its id to sample_kwargs()"
        )
    return {name: values[name] for name in pattern.params if name not in defaults}


def placeholders(world, row: Row) -> dict:
    """What "{...}" in a row's data and queries stands for."""
    values = {name: meeting.pk for name, (meeting, _item) in world.meetings.items()}
    values.update((name, user.pk) for name, user in world.people.items() if user)
    meeting = world.meetings[row.meeting][0]
    values["version"] = (
        type(meeting).objects.values_list("live_version", flat=True).get(pk=meeting.pk)
    )
    return values


def urls_for(world, pattern: Pattern, row: Row, role: str, board_slug: str) -> list[str]:
    if pattern.key == ADMIN_FAMILY:
        return [
            reverse(name, args=[world.meetings[meeting][0].pk] if meeting else [])
            for name, meeting in ADMIN_SAMPLES.items()
        ]
    if pattern.key == pattern.route:  # unnamed: nothing to reverse, so the route must be plain
        return ["/" + pattern.route.lstrip("^").rstrip("$")]
    url = reverse(pattern.key, kwargs=sample_kwargs(world, pattern, row, role, board_slug))
    values = placeholders(world, row) if any(row.queries) else {}
    return [f"{url}?{query.format(**values)}" if query else url for query in row.queries]


# -- Asking ---------------------------------------------------------------------------------------

LOGIN_PAGES = (resolve_url(settings.LOGIN_URL), "/admin/login/")


def outcome_of(response) -> str:
    status = response.status_code
    if status >= 500:
        return SERVER_ERROR
    if status in (301, 302, 303, 307, 308):
        if response["Location"].split("?")[0] in LOGIN_PAGES:
            return LOGIN
        return OK
    if 200 <= status < 300 or status == 286:  # 286: htmx's "stop polling"
        return OK
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return NOT_ALLOWED
    if status in (400, 409, 422):
        return CONFLICT
    return str(status)


def ask(world, role: str, method: str, url: str, row: Row) -> str:
    """One request as `role`, in a savepoint rolled back after it; a fresh client each time, so
    that a logout or a message cookie never carries over."""
    client = Client(raise_request_exception=False)
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    headers = {"HX-Request": "true"} if row.htmx else {}
    cache.clear()
    with transaction.atomic():
        if method == "POST":
            values = placeholders(world, row) if row.data else {}
            data = {name: str(value).format(**values) for name, value in row.data.items()}
            response = client.post(url, data, headers=headers)
        else:
            response = client.generic(method, url, headers=headers)  # GET, PUT, DELETE
        transaction.set_rollback(True)
    return outcome_of(response)


def expected_cell(row: Row, role: str, method: str) -> str:
    return getattr(row, method.lower())[role]


# -- The walk -------------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    unlisted = sorted(set(PATTERNS) - set(MATRIX))
    assert not unlisted, (
        "URL patterns missing from tests/security/role_matrix.py: "
        + ", ".join(unlisted)
        + " (add a row for each: who may GET and POST it)"
    )


def test_the_matrix_lists_no_pattern_that_is_gone():
    assert not sorted(set(MATRIX) - set(PATTERNS))


def test_known_defects_name_real_cells():
    for key, role, method in KNOWN_DEFECTS:
        assert key in MATRIX and role in (*ROLES, CROSS_BOARD) and method in METHODS, (
            key,
            role,
            method,
        )


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_each_role_gets_what_the_matrix_says(world, key, record):
    pattern = PATTERNS[key]
    row = MATRIX.get(key)
    if row is None:
        observed = {}
        for method in METHODS:
            observed[method] = {}
            for role in ROLES:
                url = urls_for(world, pattern, Row.blank(), role, "test-board")[0]
                observed[method][role] = got = ask(world, role, method, url, Row.blank())
                record(key, role, method, url, got, None)
        pytest.fail(
            f"URL pattern {key!r} ({pattern.route}) is not in the role matrix; "
            f"add a row to tests/security/role_matrix.py. Observed: {observed}"
        )
    problems = []
    for method in METHODS:
        for role in ROLES:
            want = expected_cell(row, role, method)
            defect = KNOWN_DEFECTS.get((key, role, method))
            answers = {}
            for url in urls_for(world, pattern, row, role, "test-board"):
                answers[url] = got = ask(world, role, method, url, row)
                record(key, role, method, url, got, want)
                if got == SERVER_ERROR:
                    problems.append(f"{method} {url} as {role}: 500")
                elif got != want and defect is None:
                    problems.append(f"{method} {url} as {role}: got {got}, matrix says {want}")
            # A known defect shows in at least one of the cell's requests; once none shows it,
            # the entry must go.
            if defect is not None and all(got == want for got in answers.values()):
                problems.append(
                    f"{method} {key} as {role}: now {want} as intended; remove the known "
                    f"defect ({defect})"
                )
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)


OTHER_METHODS = ("PUT", "DELETE")


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_other_methods_are_refused_or_read(world, key):
    """PUT and DELETE, as the person with most rights on pages (the superuser): 405, or what GET
    gives them (a view that takes any method reads on them). Never a
    write: an answer unlike GET's (a form error, a redirect after a change) means the view
    treated the method as a POST."""
    pattern, row = PATTERNS[key], MATRIX.get(key) or Row.blank()
    problems = []
    for role in ("superuser",):
        for method in OTHER_METHODS:
            for url in urls_for(world, pattern, row, role, "test-board"):
                got = ask(world, role, method, url, row)
                allowed = {NOT_ALLOWED, row.get.get(role, NOT_ALLOWED)}
                if got not in allowed:
                    problems.append(f"{method} {url} as {role}: {got}, not one of {allowed}")
    assert not problems, problems


OBJECT_PARAMS = {
    "meeting_id",
    "item_id",
    "motion_id",
    "action_id",
    "year",
    "line_id",
    "request_id",
    "comment_id",
}
MISSING = 987654


@pytest.mark.parametrize(
    "key",
    sorted(
        k for k, p in PATTERNS.items() if "board_slug" in p.params and OBJECT_PARAMS & {*p.params}
    ),
)
def test_another_boards_member_learns_nothing_through_their_own_board(world, key):
    """Olga asks for this board's objects by id under her own board's address. She must get
    what she gets for ids that exist nowhere (so the answer says nothing about them), and that
    must be a refusal."""
    pattern, row = PATTERNS[key], MATRIX.get(key) or Row.blank()
    problems = []
    for method in METHODS:
        real = urls_for(world, pattern, row, "other_board", "other-board")[0]
        kwargs = sample_kwargs(world, pattern, row, "other_board", "other-board")
        missing_kwargs = {k: MISSING if k in OBJECT_PARAMS else v for k, v in kwargs.items()}
        missing = reverse(key, kwargs=missing_kwargs)
        got = ask(world, "other_board", method, real, row)
        baseline = ask(world, "other_board", method, missing, row)
        if (key, CROSS_BOARD, method) in KNOWN_DEFECTS:
            continue
        if got != baseline or got not in (NOT_FOUND, NOT_ALLOWED, FORBIDDEN):
            problems.append(f"{method} {real}: {got} (for ids that exist nowhere: {baseline})")
    assert not problems, problems


# -- The report -----------------------------------------------------------------------------------

_CELLS: list[tuple] = []


@pytest.fixture(scope="module")
def record():
    def add(*cell):
        _CELLS.append(cell)

    yield add
    path = os.environ.get("ROLE_MATRIX_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as report:
            for cell in _CELLS:
                report.write("\t".join(str(part) for part in cell) + "\n")
