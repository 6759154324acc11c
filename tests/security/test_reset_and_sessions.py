"""Password reset mail leaves the request path (a known and an unknown address cost the request
the same); the session id changes at login; a password change or reset ends other sessions."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.conftest import PASSWORD
from tests.security.helpers import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"  # noqa: S105


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes its database connection when done, as a worker should: the test's data must
# be committed for that, not held in the usual rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_reset_mail_is_queued_not_sent_during_the_request(cast, queued_tasks, mailoutbox):
    response = Client().post(reverse("password_reset"), {"email": cast.victor.email})
    assert response.status_code == 302
    assert mailoutbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [mail.to for mail in mailoutbox] == [[cast.victor.email]]
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_known_and_unknown_addresses_cost_the_request_the_same(
    cast, queued_tasks, mailoutbox, django_assert_num_queries
):
    with django_assert_num_queries(1) as known:  # the queue's insert, nothing else
        Client().post(reverse("password_reset"), {"email": cast.victor.email})
    with django_assert_num_queries(1) as unknown:
        Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert len(known.captured_queries) == len(unknown.captured_queries)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [mail.to for mail in mailoutbox] == [[cast.victor.email]]


def test_without_a_queue_the_mail_goes_at_once(cast, mailoutbox):
    # The suite and the demo run tasks immediately (no worker to start).
    Client().post(reverse("password_reset"), {"email": cast.victor.email})
    assert len(mailoutbox) == 1


def reset_link(mail) -> str:
    return re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.body).group(1)


def test_a_password_reset_ends_every_session(cast, mailoutbox):
    elsewhere = Client()
    sign_in(elsewhere, cast.victor.email)
    assert elsewhere.get(reverse("profile")).status_code == 200
    client = Client()
    client.post(reverse("password_reset"), {"email": cast.victor.email})
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert elsewhere.get(reverse("profile")).status_code == 302
    assert sign_in(Client(), cast.victor.email, NEW_PASSWORD).status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(cast):
    elsewhere, here = Client(), Client()
    sign_in(elsewhere, cast.victor.email)
    sign_in(here, cast.victor.email)
    before = here.session.session_key
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get(reverse("profile")).status_code == 200
    assert here.session.session_key != before
    assert elsewhere.get(reverse("profile")).status_code == 302


def test_the_session_id_changes_at_login(cast):
    client = Client()
    client.get(reverse("login"))
    session = client.session
    session["something"] = "before login"
    session.save()
    before = session.session_key
    assert sign_in(client, cast.victor.email).status_code == 302
    assert client.session.session_key != before
