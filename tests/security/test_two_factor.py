"""Two-factor sign-in: required of the chair, the secretary and staff, open to everyone; the
password alone never logs in a person who has a second factor."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import two_factor
from governance.models import AuditEntry, Role
from tests.conftest import PASSWORD
from tests.factories import SEATED_FROM, BoardFactory, SeatFactory, UserFactory
from tests.security.helpers import app_code, enrol, sign_in, sign_in_with_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def officers_need_it(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = True


def dashboard(cast) -> str:
    return reverse("dashboard", args=[cast.board.slug])


# -- Who must use it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "required"),
    [
        ("alice", True),  # chair
        ("sam", True),  # secretary
        ("victor", False),  # voting representative
        ("alan", False),  # alternate
        ("nora", False),  # non-voting member
        ("olga", False),  # member of another board
    ],
)
def test_officers_must_use_a_second_factor_and_members_may(cast, who, required):
    assert two_factor.required_for(getattr(cast, who)) is required


def test_staff_must_use_it_even_without_a_seat(cast):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    assert two_factor.required_for(admin)
    cast.victor.is_staff = True
    assert two_factor.required_for(cast.victor)


def test_an_ended_office_no_longer_requires_it(cast):
    seat = cast.alice.seats.get()
    seat.ends_on = SEATED_FROM
    seat.save()
    assert not two_factor.required_for(cast.alice)


def test_a_demo_board_waives_it_for_its_officers_and_its_staff_only(cast):
    demo = BoardFactory(officers_skip_two_factor=True)
    chair = UserFactory(email="demo-chair@example.org")
    SeatFactory(board=demo, person=chair, role=Role.CHAIR, starts_on=SEATED_FROM)
    staff = UserFactory(email="demo-staff@example.org", is_staff=True)
    SeatFactory(board=demo, person=staff, role=Role.SECRETARY, starts_on=SEATED_FROM)
    assert not two_factor.required_for(chair)
    assert not two_factor.required_for(staff)
    # A seat on a real board brings the requirement back.
    SeatFactory(board=cast.board, person=staff, role=Role.STAFF, starts_on=SEATED_FROM)
    assert two_factor.required_for(staff)


def test_the_site_switch_turns_the_requirement_off(cast, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = False
    assert not two_factor.required_for(cast.alice)


def test_production_settings_require_it():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"BOARDROOM_DEV", "DEBUG"}}
    env.update(DEBUG="false", SECRET_KEY="x", ALLOWED_HOSTS="example.org")
    env.pop("TWO_FACTOR_REQUIRED_FOR_OFFICERS", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-c",
            "import governance.settings as s; print(s.TWO_FACTOR_REQUIRED_FOR_OFFICERS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True"


# -- Enrolment is forced on officers ----------------------------------------------------------


def test_an_officer_without_a_device_is_sent_to_set_one_up_and_nowhere_else(cast):
    client = Client()
    response = sign_in(client, cast.alice.email)
    assert response.status_code == 302
    for url in (dashboard(cast), reverse("profile"), reverse("admin:index"), "/no-such/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor_setup")), url
    htmx = client.get(dashboard(cast), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("two_factor_setup")
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_a_force_login_session_is_held_back_too(cast):
    client = Client()
    client.force_login(cast.sam)
    assert client.get(dashboard(cast)).url.startswith(reverse("two_factor_setup"))


def test_a_session_from_before_the_rule_is_decided_on_its_first_request(cast):
    client = Client()
    client.force_login(cast.alice)
    session = client.session
    del session[two_factor.STATE_KEY]
    session.save()
    assert client.get(dashboard(cast)).url.startswith(reverse("two_factor_setup"))


def test_setting_up_shows_a_qr_code_then_recovery_codes_once(cast):
    client = Client()
    sign_in(client, cast.alice.email)
    page = client.get(reverse("two_factor_setup"))
    content = page.content.decode()
    assert "<svg" in content
    assert "requires a second factor" in content
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=False)
    # Reloading the page keeps the same secret (the QR code already scanned stays valid).
    client.get(reverse("two_factor_setup"))
    assert TOTPDevice.objects.filter(user=cast.alice).count() == 1

    response = client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert response.status_code == 302
    assert response.url == reverse("two_factor")
    codes_page = client.get(reverse("two_factor")).content.decode()
    tokens = list(StaticToken.objects.filter(device__user=cast.alice))
    assert len(tokens) == two_factor.RECOVERY_CODE_COUNT
    assert all(f"{t.token[:5]}-{t.token[5:]}" in codes_page for t in tokens)
    assert tokens[0].token[:5] not in client.get(reverse("two_factor")).content.decode()
    assert client.get(dashboard(cast)).status_code == 200
    assert AuditEntry.objects.filter(board=cast.board, action="two_factor.enable").exists()


def test_a_wrong_setup_code_says_so_and_turns_nothing_on(cast):
    client = Client()
    sign_in(client, cast.alice.email)
    client.get(reverse("two_factor_setup"))
    for bad in ("000000", "12345", "abcdef", "", "1" * 5000, "١٢٣٤٥٦", "<script>"):
        response = client.post(reverse("two_factor_setup"), {"code": bad})
        assert response.status_code == 422, bad
        assert b"error-summary" in response.content
    assert not TOTPDevice.objects.filter(user=cast.alice, confirmed=True).exists()
    assert client.get(dashboard(cast)).status_code == 302


def test_right_after_a_wrong_setup_code_the_page_says_to_wait(cast):
    client = Client()
    sign_in(client, cast.alice.email)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.alice)
    client.post(reverse("two_factor_setup"), {"code": "000000"})
    response = client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert response.status_code == 422
    assert b"wait until" in response.content


# -- Signing in with a second factor ----------------------------------------------------------


def test_the_password_alone_does_not_log_in_a_person_with_a_device(cast):
    device, _ = enrol(cast.victor)
    client = Client()
    response = sign_in(client, cast.victor.email)
    assert response.url == reverse("signin_verify")
    # Not logged in: every page still asks for a login.
    assert client.get(dashboard(cast)).url.startswith(reverse("login"))
    verify = client.get(reverse("signin_verify"))
    assert b"victor@example.org" in verify.content
    before = client.session.session_key
    response = client.post(reverse("signin_verify"), {"code": app_code(device)})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get(dashboard(cast)).status_code == 200


def test_the_code_sends_you_where_you_were_going(cast):
    device, _ = enrol(cast.victor)
    client = Client()
    target = reverse("members_directory", args=[cast.board.slug])
    client.post(
        reverse("login") + f"?next={target}",
        {"username": cast.victor.email, "password": PASSWORD, "next": target},
    )
    response = client.post(reverse("signin_verify"), {"code": app_code(device)})
    assert response.url == target


def test_a_wrong_code_is_refused_in_words(cast):
    device, _ = enrol(cast.victor)
    client = Client()
    sign_in(client, cast.victor.email)
    response = client.post(reverse("signin_verify"), {"code": "000000"})
    assert response.status_code == 422
    assert b"did not match" in response.content or b"wait until" in response.content
    assert client.get(dashboard(cast)).status_code == 302


def test_repeated_wrong_codes_make_the_device_wait(cast):
    device, _ = enrol(cast.victor)
    client = Client()
    sign_in(client, cast.victor.email)
    client.post(reverse("signin_verify"), {"code": "000000"})
    # Even the right code waits out the throttle after a wrong one.
    response = client.post(reverse("signin_verify"), {"code": app_code(device)})
    assert response.status_code == 422
    assert b"wait until" in response.content


def test_a_recovery_code_signs_in_once(cast):
    _, codes = enrol(cast.victor)
    client = Client()
    sign_in(client, cast.victor.email)
    typed = f" {codes[0][:5].upper()}-{codes[0][5:]} "
    response = client.post(reverse("signin_verify"), {"code": typed}, follow=True)
    assert response.status_code == 200
    assert b"recovery code" in response.content
    assert StaticToken.objects.filter(device__user=cast.victor).count() == 9
    client.logout()
    sign_in(Client(), cast.victor.email)
    again = Client()
    sign_in(again, cast.victor.email)
    assert again.post(reverse("signin_verify"), {"code": codes[0]}).status_code == 422


def test_a_half_finished_sign_in_expires(cast, settings):
    device, _ = enrol(cast.victor)
    client = Client()
    sign_in(client, cast.victor.email)
    session = client.session
    session["signin_pending"]["at"] = time.time() - settings.TWO_FACTOR_PENDING_SECONDS - 1
    session.save()
    response = client.post(reverse("signin_verify"), {"code": app_code(device)})
    assert response.url == reverse("login")
    assert client.get(dashboard(cast)).status_code == 302


def test_the_verify_page_without_a_password_first_goes_back_to_login(client):
    response = client.get(reverse("signin_verify"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.post(reverse("signin_verify"), {"code": "123456"}).url == reverse("login")


def test_an_officer_with_a_device_signs_in_with_it(cast):
    device, _ = enrol(cast.alice)
    client = Client()
    response = sign_in_with_app(client, cast.alice, device)
    assert response.status_code == 302
    assert client.get(dashboard(cast)).status_code == 200


def test_the_verify_page_is_only_get_and_post(client):
    assert client.put(reverse("signin_verify")).status_code == 405


# -- The admin --------------------------------------------------------------------------------


def test_the_admin_login_only_sends_people_to_the_app_login(cast):
    staff = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client = Client()
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_reach_the_admin_only_after_their_code(cast):
    staff = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    device, _ = enrol(staff)
    client = Client()
    sign_in(client, staff.email)
    assert client.get(reverse("admin:index")).status_code == 302
    client.post(reverse("signin_verify"), {"code": app_code(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_itself_refuses_an_unverified_staff_session(cast, rf):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    staff = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    request.session = SessionStore()
    request.session[two_factor.STATE_KEY] = two_factor.VERIFY
    assert not admin.site.has_permission(request)
    request.session[two_factor.STATE_KEY] = two_factor.OPTIONAL
    assert admin.site.has_permission(request)
    staff.is_verified = lambda: True
    request.session[two_factor.STATE_KEY] = two_factor.VERIFY
    assert admin.site.has_permission(request)


# -- Managing it ------------------------------------------------------------------------------


def test_a_member_turns_it_on_and_off_again_with_their_password(cast):
    client = Client()
    client.force_login(cast.victor)
    page = client.get(reverse("two_factor"))
    assert b"Set up two-factor sign-in" in page.content
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.victor)
    client.post(reverse("two_factor_setup"), {"code": app_code(device)})
    assert TOTPDevice.objects.get(user=cast.victor).confirmed

    wrong = client.post(reverse("two_factor_turn_off"), {"password": "nope"}, follow=True)
    assert b"That is not your password" in wrong.content
    assert TOTPDevice.objects.filter(user=cast.victor).exists()
    client.post(reverse("two_factor_turn_off"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=cast.victor).exists()
    assert not StaticToken.objects.filter(device__user=cast.victor).exists()
    assert sign_in(Client(), cast.victor.email).url == reverse("home")


def test_an_officer_cannot_turn_it_off(cast):
    device, _ = enrol(cast.alice)
    client = Client()
    sign_in_with_app(client, cast.alice, device)
    response = client.post(reverse("two_factor_turn_off"), {"password": PASSWORD}, follow=True)
    assert b"requires two-factor sign-in" in response.content
    assert TOTPDevice.objects.filter(user=cast.alice, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(cast):
    device, old = enrol(cast.victor)
    client = Client()
    sign_in_with_app(client, cast.victor, device)
    client.post(reverse("recovery_codes_renew"))
    new = set(StaticToken.objects.filter(device__user=cast.victor).values_list("token", flat=True))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT
    assert not new & set(old)


def test_recovery_codes_are_renewed_only_by_a_verified_session(cast):
    enrol(cast.victor)
    client = Client()
    client.force_login(cast.victor)  # password-equivalent session without the code
    response = client.post(reverse("recovery_codes_renew"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("signin_verify"))


def test_a_new_phone_replaces_the_old_one(cast):
    device, _ = enrol(cast.victor)
    client = Client()
    sign_in_with_app(client, cast.victor, device)
    client.get(reverse("two_factor_setup"))
    new = TOTPDevice.objects.get(user=cast.victor, confirmed=False)
    client.post(reverse("two_factor_setup"), {"code": app_code(new)})
    assert list(TOTPDevice.objects.filter(user=cast.victor)) == [new]


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "two_factor"),
        ("get", "two_factor_setup"),
        ("post", "two_factor_setup"),
        ("post", "recovery_codes_renew"),
        ("post", "two_factor_turn_off"),
    ],
)
def test_the_pages_need_a_login(client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["recovery_codes_renew", "two_factor_turn_off"])
def test_the_actions_are_posts_only(cast, client_for, name):
    assert client_for(cast.victor).get(reverse(name)).status_code == 405


def test_the_pages_cost_the_same_queries_for_a_person_on_many_boards(
    cast, client_for, django_assert_max_num_queries
):
    counts = []
    for boards in (0, 8):
        for _ in range(boards):
            SeatFactory(
                board=BoardFactory(), person=cast.greta, role=Role.MEMBER, starts_on=SEATED_FROM
            )
        client = client_for(cast.greta)
        for name in ("two_factor", "two_factor_setup"):
            with django_assert_max_num_queries(12) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts.append((name, len(captured.captured_queries)))
    assert counts[:2] == counts[2:]
