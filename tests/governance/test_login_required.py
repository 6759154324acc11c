"""Every page needs a login, except the few that must not: walk the whole URL map to be sure."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages an anonymous visitor may open.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
}


def named_patterns(resolver=None, namespace="", params=()):
    """(name, parameter names) of every named URL outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        found = (*params, *getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", found


# Plausible arguments: the cast's board slug, 1 for anything else (an id, a year, a token).
SAMPLE = {"board_slug": "test-board", "uidb64": "MQ", "token": "set-password", "year": "2014"}
PATTERNS = dict(named_patterns())


def url_for(name: str) -> str:
    return reverse(name, kwargs={param: SAMPLE.get(param, "1") for param in PATTERNS[name]})


# Published minutes are public where the board publishes its minutes (Board.minutes_public);
# on any other board these pages ask for a login like the rest. The feed has no login to ask
# for: it is there for a publishing board and nowhere else.
PUBLIC_WHEN_THE_BOARD_PUBLISHES = {
    "minutes:minutes_list",
    "minutes:minutes_detail",
    "minutes:minutes_pdf",
    "minutes:minutes_markdown",
}
FEEDS = {"minutes:minutes_feed"}
PRIVATE = sorted(set(PATTERNS) - PUBLIC - FEEDS)


def test_the_url_map_has_private_pages():
    assert {"dashboard", "members_directory", "home", "profile"} <= set(PRIVATE)
    # The live poll too: it signs in by the session like every page (issue 13).
    assert "meetings:meeting_live" in PRIVATE


@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_login(cast, name, method):
    url = url_for(name)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302, url
    assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("name", sorted(PUBLIC_WHEN_THE_BOARD_PUBLISHES | FEEDS))
def test_published_minutes_are_open_only_where_the_board_publishes(cast, name):
    assert set(PATTERNS) >= PUBLIC_WHEN_THE_BOARD_PUBLISHES | FEEDS
    url = url_for(name)
    private = Client().get(url)
    if name in FEEDS:
        assert private.status_code == 404, url
    else:
        assert private.status_code == 302 and private.url.startswith(reverse("login")), url
    cast.board.minutes_public = True
    cast.board.save(update_fields=["minutes_public"])
    # No minutes exist: the list and feed answer, a meeting's minutes are simply not found.
    expected = 200 if name in {"minutes:minutes_list", "minutes:minutes_feed"} else 404
    assert Client().get(url).status_code == expected, url
    # Changing anything still needs a login and a seat.
    assert Client().post(url).status_code == 405
