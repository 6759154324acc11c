"""The live poll's pass (meetings/live_pass.py): an unchanged poll in one query, with the session,
the password, the second factor and the seat still checked on every one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse

from meetings import live_pass, services
from meetings.views import live_url_for
from tests.meetings.factories import started_meeting


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def poll(client, meeting, version, **extra):
    return client.get(live_url_for(meeting), {"v": version, **extra})


def live(board, **kwargs):
    meeting = started_meeting(board, **kwargs)
    meeting.refresh_from_db()
    return meeting


def with_pass(client, meeting):
    """The first poll goes the full way and leaves the pass behind."""
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 204
    assert live_pass.COOKIE in response.cookies
    return response.cookies[live_pass.COOKIE]


@pytest.mark.parametrize("items", [1, 30])
def test_an_unchanged_poll_with_a_pass_is_one_query(cast, django_assert_num_queries, items):
    meeting = live(cast.board, with_items=items)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    url = live_url_for(meeting)
    with django_assert_num_queries(1):
        response = client.get(url, {"v": meeting.live_version})
    assert response.status_code == 204 and response.content == b""
    assert response["X-Live-Version"] == str(meeting.live_version)
    assert response["X-Meeting-Status"] == meeting.status
    assert "no-store" in response["Cache-Control"]


def test_the_pass_is_scoped_to_the_poll_and_kept_from_scripts(cast):
    meeting = live(cast.board)
    cookie = with_pass(signed_in(cast.victor), meeting)
    assert cookie["path"] == live_url_for(meeting)
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # The session id is not repeated in the pass.
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    assert client.cookies["sessionid"].value not in client.cookies[live_pass.COOKIE].value


def test_a_changed_version_goes_the_full_way_and_returns_the_record(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    known = meeting.live_version
    services.note_record(
        item=meeting.current_item, text="A point for the record", author=cast.alice
    )
    response = poll(client, meeting, known)
    assert response.status_code == 200
    assert "A point for the record" in response.text


def test_an_adjourned_meeting_tells_the_pass_holder_to_stop(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    meeting.refresh_from_db()
    with_pass_again = poll(client, meeting, meeting.live_version)
    assert with_pass_again.status_code == live_pass.STOP_POLLING
    # And answered by the pass the next time: still 286.
    assert poll(client, meeting, meeting.live_version).status_code == live_pass.STOP_POLLING


def test_logging_out_ends_the_pass(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    cookie = with_pass(client, meeting)
    session_key = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    # Replay the old session id and the old pass together, as a stolen pair would.
    thief = Client()
    thief.cookies["sessionid"] = session_key
    thief.cookies[live_pass.COOKIE] = cookie.value
    response = poll(thief, meeting, meeting.live_version)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "X-Live-Version" not in response


def test_an_expired_session_ends_the_pass(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302
    assert "X-Live-Version" not in response


def test_a_password_change_elsewhere_ends_the_pass(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    cast.victor.set_password("a-new-and-long-passphrase")
    cast.victor.save()
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "X-Live-Version" not in response


def test_a_deactivated_account_ends_the_pass(cast):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    cast.victor.is_active = False
    cast.victor.save()
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302
    assert "X-Live-Version" not in response


def test_an_ended_seat_ends_the_pass_and_tells_nothing(cast):
    meeting = live(cast.board)
    client = signed_in(cast.greta)
    with_pass(client, meeting)
    cast.greta.seats.update(starts_on=dt.date(2000, 1, 1), ends_on=dt.date(2001, 1, 1))
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 404
    assert "X-Live-Version" not in response and "X-Meeting-Status" not in response


def test_a_seat_ending_yesterday_counts_and_one_ending_today_still_holds(cast):
    """The seat's last day is a day it is held (the same edge as every other page)."""
    from django.utils import timezone

    meeting = live(cast.board)
    client = signed_in(cast.greta)
    with_pass(client, meeting)
    today = timezone.localdate()
    cast.greta.seats.update(ends_on=today)
    assert poll(client, meeting, meeting.live_version).status_code == 204
    cast.greta.seats.update(ends_on=today - dt.timedelta(days=1))
    assert poll(client, meeting, meeting.live_version).status_code == 404


def test_a_pass_for_another_meeting_or_another_session_is_not_taken(
    cast, django_assert_num_queries
):
    meeting = live(cast.board)
    other = live(cast.board)
    victor = signed_in(cast.victor)
    cookie = with_pass(victor, meeting)
    # Victor's pass, sent to another meeting's poll: the full way (more than one query).
    thief = signed_in(cast.victor)
    thief.cookies[live_pass.COOKIE] = cookie.value
    other_url = live_url_for(other)
    with django_assert_num_queries(4):
        assert thief.get(other_url, {"v": other.live_version}).status_code == 204
    # Victor's pass with Ivan's session: not Victor's session, so the full way, as Ivan.
    ivan = signed_in(cast.ivan)
    ivan.cookies[live_pass.COOKIE] = cookie.value
    with django_assert_num_queries(4):
        assert poll(ivan, meeting, meeting.live_version).status_code == 204


def test_a_tampered_or_stale_pass_is_ignored(cast, django_assert_num_queries, monkeypatch):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    cookie = with_pass(client, meeting)
    payload = signing.loads(cookie.value, salt=live_pass.SALT)
    payload["u"] = cast.alice.pk
    client.cookies[live_pass.COOKIE] = cookie.value[:-2] + "xx"
    with django_assert_num_queries(4):
        assert poll(client, meeting, meeting.live_version).status_code == 204
    client.cookies[live_pass.COOKIE] = signing.dumps(payload, salt="another-salt")
    with django_assert_num_queries(4):
        assert poll(client, meeting, meeting.live_version).status_code == 204
    # The full polls above issued a fresh pass, which is taken...
    with django_assert_num_queries(1):
        assert poll(client, meeting, meeting.live_version).status_code == 204
    # ...until it is older than its lifetime.
    monkeypatch.setattr(live_pass, "MAX_AGE", dt.timedelta(seconds=-1))
    with django_assert_num_queries(4):
        assert poll(client, meeting, meeting.live_version).status_code == 204


def test_the_second_factor_device_is_checked_on_every_poll(cast, django_assert_num_queries):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    meeting = live(cast.board)
    device = StaticDevice.objects.create(user=cast.alice, name="phone", confirmed=True)
    client = signed_in(cast.alice)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    with_pass(client, meeting)
    with django_assert_num_queries(1):
        assert poll(client, meeting, meeting.live_version).status_code == 204
    device.delete()
    # The full way now: the session's second factor is gone, so the chair must give one again.
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302
    assert "X-Live-Version" not in response


def test_a_seatless_superuser_keeps_the_pass(cast, django_assert_num_queries):
    from tests.factories import UserFactory

    admin = UserFactory(full_name="Root Admin", email="root@example.org", is_superuser=True)
    meeting = live(cast.board)
    client = signed_in(admin)
    with_pass(client, meeting)
    with django_assert_num_queries(1):
        assert poll(client, meeting, meeting.live_version).status_code == 204


def test_a_probe_always_goes_the_full_way(cast, django_assert_num_queries):
    meeting = live(cast.board)
    client = signed_in(cast.victor)
    with_pass(client, meeting)
    with django_assert_num_queries(4):
        response = poll(client, meeting, meeting.live_version, probe="1")
    assert response.status_code == 204


def test_the_checks_sent_as_compiled_sql_agree_with_the_orm(cast):
    """The poll sends the checks' SQL compiled once with stand-ins; for every person, device
    and day, the row is the one the ORM's query (the definition) gives."""
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice

    meeting = live(cast.board)
    device = StaticDevice.objects.create(user=cast.alice, name="phone", confirmed=True)
    unconfirmed = StaticDevice.objects.create(user=cast.victor, name="old", confirmed=False)
    session = signed_in(cast.victor).session.session_key
    now = timezone.now()
    people = [cast.victor, cast.alice, cast.nora, cast.sam]
    cases = []
    for person in people:
        for device_id in ("", device.persistent_id, unconfirmed.persistent_id):
            for day in (now.date(), dt.date(1990, 1, 1), dt.date(2999, 1, 1)):
                for key in (session, "no-such-session"):
                    cases.append((person, device_id, day, key))
    booleans = {"session_alive", "superuser", "seated", "secretary", "board_chair", "device"}
    for person, device_id, day, key in cases:
        values = {
            "meeting_id": meeting.pk,
            "slug": cast.board.slug,
            "user_id": person.pk,
            "session_key": key,
            "device": device_id,
            "now": now,
            "today": day,
        }
        (expected,) = live_pass._checks_query(**values)
        row = live_pass.pass_checks(**values)
        normalised = {k: bool(v) if k in booleans else v for k, v in row.items()}
        assert normalised == {k: bool(v) if k in booleans else v for k, v in expected.items()}
    # Another board's slug, or no such meeting: no row, as the ORM finds none.
    assert live_pass.pass_checks(**{**values, "slug": "elsewhere"}) is None
    assert live_pass.pass_checks(**{**values, "meeting_id": meeting.pk + 1000}) is None
