"""Security headers and caching: every page says what may run on it and that nobody keeps a copy."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import FiscalYear
from tests.budget.factories import FiscalYearFactory

ROOT = Path(__file__).resolve().parents[2]


def csp_of(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.fixture
def year(board):
    return FiscalYearFactory(board=board)


def board_pages(board, year: FiscalYear) -> list[str]:
    return [
        reverse("dashboard", args=[board.slug]),
        reverse("members_directory", args=[board.slug]),
        reverse("meetings:meeting_list", args=[board.slug]),
        reverse("budget:year_overview", args=[board.slug, year.year]),
        reverse("budget:year_export_csv", args=[board.slug, year.year]),
        reverse("budget:year_export_xlsx", args=[board.slug, year.year]),
        reverse("profile"),
    ]


def test_every_board_page_and_export_is_private_and_never_stored(cast, client_for, year):
    client = client_for(cast.sam)
    for url in board_pages(cast.board, year):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "public" not in directives, url


def test_login_page_error_pages_and_admin_are_not_stored_either(cast, client_for):
    anonymous = Client()
    for response in (
        anonymous.get(reverse("login")),
        client_for(cast.sam).get("/no-such-page/"),
        client_for(cast.olga).get(reverse("dashboard", args=[cast.board.slug])),
        client_for(cast.sam).get(reverse("admin:index")),
    ):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_static_files_keep_their_cache_lifetime(settings):
    settings.WHITENOISE_USE_FINDERS = True  # as in production, WhiteNoise answers static files
    response = Client().get(settings.STATIC_URL + "css/boardroom.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_content_security_policy_allows_only_our_own_files(cast, client_for):
    response = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug]))
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_frames_sniffing_referrer_and_powerful_features_are_refused(cast, client_for):
    response = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug]))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_hsts_is_sent_over_https_with_the_production_lifetime(cast, client_for, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client_for(cast.victor).get(
        reverse("dashboard", args=[cast.board.slug]), secure=True
    )
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# Inline script, inline style and event-handler attributes would all be refused by the policy
# above: no template may carry them (behaviour lives in static/js, looks in static/css).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=|\shx-on[:-]|javascript:", re.IGNORECASE)


def all_templates() -> list[Path]:
    roots = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_templates_carry_no_inline_script_style_or_handlers():
    templates = all_templates()
    assert len(templates) > 20
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in templates
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("snippet", "pattern"),
    [
        ("<script>alert(1)</script>", INLINE_SCRIPT),
        ('<script type="module">x()</script>', INLINE_SCRIPT),
        ('<p style="color:red">', INLINE_STYLE),
        ("<style>p{}</style>", INLINE_STYLE),
        ('<button onclick="go()">', EVENT_HANDLER),
        ('<div hx-on:click="go()">', EVENT_HANDLER),
        ('<a href="javascript:go()">', EVENT_HANDLER),
    ],
)
def test_the_template_scan_finds_what_the_policy_would_block(snippet, pattern):
    assert pattern.search(snippet)


def test_the_template_scan_passes_script_files():
    assert not INLINE_SCRIPT.search('<script src="/static/js/x.js" defer></script>')
