"""What the benchmark adds to the app: controls that production never mounts, CACHE_URL, gzip."""

from __future__ import annotations

import gzip

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve

from governance.settings import cache_from_url


@pytest.mark.parametrize("path", ["/bench/fortunes/", "/bench/fortunes/plain/", "/bench/insert/"])
def test_controls_are_not_mounted_without_the_bench_setting(path):
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", None),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
        (
            "redis://127.0.0.1:6379/2",
            "django.core.cache.backends.redis.RedisCache",
            "redis://127.0.0.1:6379/2",
        ),
        ("db://boardroom_cache", "django.core.cache.backends.db.DatabaseCache", "boardroom_cache"),
    ],
)
def test_cache_url_selects_the_shared_cache(url, backend, location):
    cache = cache_from_url(url)
    assert cache["BACKEND"] == backend
    assert cache.get("LOCATION") == location


@pytest.mark.parametrize("url", ["memcached://127.0.0.1", "db://", "redis"])
def test_a_cache_url_that_cannot_be_read_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url)


def test_pages_are_sent_compressed_to_a_browser_that_asks(cast, client_for):
    client = client_for(cast.victor)
    response = client.get("/b/test-board/members/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Members" in gzip.decompress(response.content)


def test_pages_are_sent_plain_to_a_client_that_does_not_ask(cast, client_for):
    response = client_for(cast.victor).get("/b/test-board/members/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("redis://127.0.0.1:6379/2", "django.contrib.sessions.backends.cached_db"),
        ("", "django.contrib.sessions.backends.db"),
        ("locmem://", "django.contrib.sessions.backends.db"),
        ("db://boardroom_cache", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_cached_only_in_a_shared_memory_cache(url, engine):
    from governance.settings import session_engine_for

    assert session_engine_for(cache_from_url(url)) == engine


def redis_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_with_redis_a_page_loads_its_session_without_a_query_and_a_logout_still_ends_it(
    cast, client_for, settings
):
    """One query less on every signed-in page; and a session flushed by logging out is gone for
    every worker (the cache is shared), not only the one that served the logout."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {
        "default": {**cache_from_url("redis://127.0.0.1:6379/3"), "KEY_PREFIX": "test-sessions"}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"].clear()
    path = "/b/test-board/members/"
    client = Client()
    client.force_login(cast.victor)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert not any("django_session" in query["sql"] for query in queries.captured_queries)
    key = client.cookies["sessionid"].value
    assert SessionStore(session_key=key).get(SESSION_KEY) == str(cast.victor.pk)

    other_worker = Client()
    other_worker.cookies["sessionid"] = key
    assert other_worker.get(path).status_code == 200
    client.post("/accounts/logout/")
    assert other_worker.get(path).status_code == 302  # to the sign-in page
    caches["default"].clear()
