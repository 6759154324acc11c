"""Script planted in every free-text field never comes out live (issue 13, point 9).

The role matrix's world (one board with a meeting of each kind, a motion, an action, minutes, a
budget line and a request) is built, then every text column of every row of Boardroom's own
tables is overwritten with markup: names, titles, notes, descriptions, minutes, reasons, the
record's name snapshots, an organisation's website with a `javascript:` address. Written straight
to the database, past the forms' and services' refusals, as an attacker who got anything through
would have it. Then every page of the URLconf is read by the chair, the secretary, a voting member
and the seatless superuser (the admin included, on the matrix's sample pages), and:

- no HTML answer carries the markup as markup: only escaped (`&lt;script&gt;`), and no link or
  form points at a `javascript:` address;
- an answer that is not HTML (the workbook, the PDF, the Markdown, CSV, JSON) says what it is and
  forbids sniffing, so no browser renders it as a page.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client

from governance.models import AuditEntry
from tests.security.role_matrix import MATRIX, OK
from tests.security.test_role_matrix import PATTERNS, build_world, urls_for

pytestmark = pytest.mark.django_db

SCRIPT = '"><script>alert(1)</script>'
SHORT = '"><q id=xss>'
JAVASCRIPT_URL = "javascript:alert(1)//"
LIVE_MARKUP = re.compile(
    r"<script>alert\(1\)|<q id=xss>|(?:href|src|action)=\"?\s*javascript:", re.IGNORECASE
)

OUR_APPS = ("governance", "meetings", "motions", "budget", "minutes", "actions")
# Text columns that are not free text: codes, keys, settings and secrets.
NOT_FREE_TEXT = {
    "slug",
    "email",
    "password",
    "currency",
    "timezone",
    "language",
    "status",
    "kind",
    "role",
    "action",
}
READERS = ("chair", "secretary", "voting", "superuser")


def free_text_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if field.choices or field.name in NOT_FREE_TEXT or field.primary_key:
            continue
        if isinstance(field, (models.EmailField, models.SlugField, models.UUIDField)):
            continue
        fields.append(field)
    return fields


def plant() -> list[str]:
    """Overwrite every free-text column of every row; return 'Model.field' for each planted."""
    planted = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is AuditEntry or model._meta.proxy:
                continue  # append-only by design; its summaries are written by the services
            for field in free_text_fields(model):
                rows = list(model.objects.values_list("pk", flat=True))
                for pk in rows:
                    if isinstance(field, models.URLField):
                        value = JAVASCRIPT_URL
                    else:
                        longest = field.max_length or 10_000
                        payload = SCRIPT if longest >= len(SCRIPT) + 8 else SHORT
                        value = f"{payload} {pk}"[:longest]
                        if longest < len(SHORT):
                            continue
                    model.objects.filter(pk=pk).update(**{field.name: value})
                if rows:
                    planted.append(f"{model.__name__}.{field.name}")
    return planted


@pytest.fixture(scope="module")
def planted_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.planted = plant()
        world.sessions = {}
        for role in READERS:
            client = Client()
            client.force_login(world.people[role])
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


def test_every_kind_of_free_text_is_planted(planted_world):
    """The plant reaches the fields that render: a sample, so a rename cannot empty the test."""
    for field in (
        "Board.name",
        "Organisation.name",
        "Organisation.website",
        "User.full_name",
        "Meeting.title",
        "AgendaItem.title",
        "AgendaItem.description",
        "Attendance.person_name",
        "Note.text",
        "Motion.text",
        "ActionItem.description",
        "BudgetLine.title",
        "SpendingRequest.title",
        "Minutes.record_text",
    ):
        assert field in planted_world.planted, (field, planted_world.planted)


def renders_as_page(content_type: str) -> bool:
    """HTML, XHTML, SVG or bare XML: what a browser would run script in."""
    subtype = content_type.split(";")[0].strip().split("/")[-1]
    return "html" in subtype or subtype in {"xml", "svg+xml"} or subtype.endswith("+xml")


def read(world, role: str, url: str):
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    cache.clear()
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    return response


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_no_page_carries_planted_script_live(planted_world, key):
    pattern, row = PATTERNS[key], MATRIX[key]
    problems, read_any = [], False
    for role in READERS:
        if row.get[role] != OK:
            continue
        for url in urls_for(planted_world, pattern, row, role, planted_world.cast.board.slug):
            response = read(planted_world, role, url)
            if response.status_code >= 500:
                problems.append(f"{url} as {role}: {response.status_code}")
                continue
            if response.status_code != 200:
                continue
            read_any = True
            kind = response.get("Content-Type", "")
            if kind.startswith("text/html"):
                found = LIVE_MARKUP.search(body_of(response))
                if found:
                    text = body_of(response)
                    context = text[max(0, found.start() - 120) : found.end() + 40]
                    problems.append(f"{url} as {role}: live markup …{context}…")
            else:
                if not kind or renders_as_page(kind):
                    problems.append(f"{url} as {role}: {kind!r} could render as a page")
                if response.get("X-Content-Type-Options") != "nosniff":
                    problems.append(f"{url} as {role}: {kind} without nosniff")
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)
    if not read_any:
        pytest.skip(f"{key}: no reader gets a 200 here (a POST endpoint or a redirect)")
