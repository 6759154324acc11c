"""Every page needs a login, except the few that must not: walk the whole URL map to be sure."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages an anonymous visitor may open; later, published public minutes join this list.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def sample_kwargs(name: str) -> dict:
    """Plausible arguments for a URL: the cast's board slug, 1 for every other parameter."""
    possibilities = get_resolver().reverse_dict.getlist(name.split(":")[-1])
    params = possibilities[0][0][0][1] if possibilities else []
    values = {"board_slug": "test-board", "uidb64": "MQ", "token": "set-password"}
    return {param: values.get(param, "1") for param in params}


def url_for(name: str) -> str:
    return reverse(name, kwargs=sample_kwargs(name))


PRIVATE = sorted(set(named_patterns()) - PUBLIC)


def test_the_url_map_has_private_pages():
    assert {"dashboard", "members_directory", "home", "profile"} <= set(PRIVATE)


@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_login(cast, name, method):
    url = url_for(name)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302, url
    assert response.url.startswith(reverse("login")), url
