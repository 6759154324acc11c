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
