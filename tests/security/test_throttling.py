"""Guessing is throttled: per account and per address, on the login, the admin login, the second
factor and password reset; the lockout expires and says until when."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.security.helpers import app_code, enrol, sign_in

pytestmark = pytest.mark.django_db

ONE = {"REMOTE_ADDR": "203.0.113.7"}
OTHER = {"REMOTE_ADDR": "198.51.100.9"}


def fail(client: Client, email: str, times: int, **extra) -> None:
    for _ in range(times):
        response = sign_in(client, email, "wrong password", **extra)
        assert response.status_code in (200, 429)


def test_the_right_password_is_refused_after_too_many_wrong_ones(cast, settings):
    client = Client()
    fail(client, cast.victor.email, settings.AXES_FAILURE_LIMIT, **ONE)
    response = sign_in(client, cast.victor.email, **ONE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Sign-in paused" in content
    assert "paused until" in content
    seconds = int(response["Retry-After"])
    minutes = settings.AXES_COOLOFF_TIME.total_seconds()
    assert 0 < seconds <= minutes


def test_one_wrong_password_short_of_the_limit_still_lets_the_right_one_in(cast, settings):
    client = Client()
    fail(client, cast.victor.email, settings.AXES_FAILURE_LIMIT - 1, **ONE)
    assert sign_in(client, cast.victor.email, **ONE).status_code == 302


def test_the_account_is_locked_from_every_address(cast, settings):
    fail(Client(), cast.victor.email, settings.AXES_FAILURE_LIMIT, **ONE)
    assert sign_in(Client(), cast.victor.email, **OTHER).status_code == 429
    # Whatever the case the address is typed in.
    assert sign_in(Client(), cast.victor.email.upper(), **OTHER).status_code == 429
    # Others sign in as usual.
    assert sign_in(Client(), cast.greta.email, **OTHER).status_code == 302


def test_an_address_guessing_many_accounts_is_locked(cast, settings):
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}@example.org", "wrong", **ONE)
    assert sign_in(client, cast.greta.email, **ONE).status_code == 429
    assert sign_in(Client(), cast.greta.email, **OTHER).status_code == 302


def test_the_lockout_expires(cast, settings):
    fail(Client(), cast.victor.email, settings.AXES_FAILURE_LIMIT, **ONE)
    assert sign_in(Client(), cast.victor.email, **ONE).status_code == 429
    earlier = settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= earlier
        attempt.save()
    assert sign_in(Client(), cast.victor.email, **ONE).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            Client(),
            f"guess{number}@example.org",
            "wrong",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    same = sign_in(Client(), cast.greta.email, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert same.status_code == 429
    # Another client behind the same proxy is not punished for it.
    assert (
        sign_in(
            Client(), cast.greta.email, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy
        ).status_code
        == 302
    )


def test_the_admin_login_cannot_be_used_to_guess(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT * 3):
        response = client.post(
            reverse("admin:login"), {"username": cast.victor.email, "password": "guess"}, **ONE
        )
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    # The admin login checked nothing, so nothing was counted or locked either.
    assert sign_in(client, cast.victor.email, **ONE).status_code == 302


def test_wrong_second_factor_codes_count_towards_the_lockout(cast, settings):
    device, _ = enrol(cast.victor)
    client = Client()
    assert sign_in(client, cast.victor.email, **ONE).status_code == 302
    responses = [
        client.post(reverse("signin_verify"), {"code": "000000"}, **ONE)
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429
    response = client.post(reverse("signin_verify"), {"code": app_code(device)}, **ONE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# -- Password reset ---------------------------------------------------------------------------


def reset(client: Client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_password_reset_is_limited_per_email(cast, settings, mailoutbox):
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL):
        assert reset(Client(), cast.victor.email, **ONE).status_code == 302
    response = reset(Client(), cast.victor.email.upper(), **OTHER)
    assert response.status_code == 429
    assert b"Too many reset requests" in response.content
    assert int(response["Retry-After"]) > 0
    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    # Another person is not held back.
    assert reset(Client(), cast.greta.email, **OTHER).status_code == 302


def test_an_unknown_email_is_limited_alike(cast, settings):
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL):
        assert reset(Client(), "nobody@example.org", **ONE).status_code == 302
    assert reset(Client(), "nobody@example.org", **OTHER).status_code == 429


def test_password_reset_is_limited_per_address(cast, settings):
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert reset(Client(), f"p{number}@example.org", **ONE).status_code == 302
    assert reset(Client(), cast.greta.email, **ONE).status_code == 429
    assert reset(Client(), cast.greta.email, **OTHER).status_code == 302


def test_the_reset_limit_expires_with_its_window(cast, settings, monkeypatch):
    import time

    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 1):
        reset(Client(), cast.victor.email, **ONE)
    assert reset(Client(), cast.victor.email, **ONE).status_code == 429
    later = time.time() + settings.PASSWORD_RESET_WINDOW_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    from django.core.cache import cache

    cache.clear()  # the cache's own expiry, which time.time() above cannot reach
    assert reset(Client(), cast.victor.email, **ONE).status_code == 302


def test_password_reset_rejects_bad_input_in_words(client):
    for bad in ("", "not-an-email", "a" * 300 + "@example.org", "<script>@x"):
        response = client.post(reverse("password_reset"), {"email": bad})
        assert response.status_code == 200
        assert b"error-summary" in response.content


@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": ""},
        {"REMOTE_ADDR": "not-an-address"},
        {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "<script>, 999.1.1.1"},
    ],
)
def test_a_missing_or_forged_address_is_no_error(cast, settings, meta):
    settings.TRUSTED_PROXY_COUNT = 1
    assert sign_in(Client(), cast.victor.email, "wrong", **meta).status_code == 200
    assert sign_in(Client(), cast.victor.email, **meta).status_code == 302
    assert reset(Client(), cast.victor.email, **meta).status_code == 302
