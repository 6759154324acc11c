"""A database that cannot be reached is answered with 503 and Retry-After, never a bare 500;
/healthz answers JSON in every case and is exempt from the HTTPS redirect and the host check.

The real restart of PostgreSQL under load is `bench/db_restart.py` (it stops the server, so it
is not part of the suite); here the database is made unreachable for this process only: on
PostgreSQL by pointing the connection at a closed port, on SQLite by a missing directory
(SQLite's in-memory test database cannot be closed, so there every query is failed instead).
"""

import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    if connection.vendor == "postgresql":
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)
    else:

        def refuse(execute, sql, params, many, context):
            raise OperationalError("unable to open database file")

        with connection.execute_wrapper(refuse):
            yield


@pytest.fixture
def member_client(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.victor)
    return client


def test_a_page_meeting_an_unreachable_database_is_a_503_with_retry_after(cast, member_client):
    with database_unreachable():
        response = member_client.get(reverse("dashboard", args=[cast.board.slug]))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"Back in a moment" in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_write_meeting_an_unreachable_database_is_a_503(cast, member_client):
    with database_unreachable():
        response = member_client.post(reverse("profile"), {"full_name": "Victor V"})
    assert response.status_code == 503
    cast.victor.refresh_from_db()
    assert cast.victor.full_name == "Victor Voter"


def test_the_service_comes_back_by_itself(cast, member_client):
    with database_unreachable():
        assert member_client.get(reverse("dashboard", args=[cast.board.slug])).status_code == 503
    assert member_client.get(reverse("dashboard", args=[cast.board.slug])).status_code == 200


def test_other_errors_are_still_the_500_page(cast, member_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("governance.views.cards_for", broken)
    response = member_client.get(reverse("dashboard", args=[cast.board.slug]))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_healthz_says_ok_in_json(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert reverse("healthz") == "/healthz"


def test_healthz_says_db_down_in_json_with_503():
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "db-down"
    assert int(response["Retry-After"]) > 0


def test_healthz_is_not_redirected_to_https_nor_host_checked(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["boardroom.example.org"]
    client = Client()
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").json()["status"] == "ok"
    # Everything else still is.
    assert client.get(reverse("login"), HTTP_HOST="boardroom.example.org").status_code == 301
    assert client.get(reverse("login"), HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_postgresql_gives_up_connecting_within_seconds():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert 1 <= connection.settings_dict["OPTIONS"]["connect_timeout"] <= 10
