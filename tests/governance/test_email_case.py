"""Login by email ignores case: "Don.Dugger@" and "don.dugger@" are one login, and a second
account differing only in case is refused, by the form and by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from governance.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_emails_are_stored_lower_cased():
    user = User.objects.create_user("Don.Dugger@Example.ORG", PASSWORD, full_name="Don Dugger")
    assert user.email == "don.dugger@example.org"


@pytest.mark.parametrize(
    "typed", ["Don.Dugger@example.org", "don.dugger@example.org", "DON.DUGGER@EXAMPLE.ORG"]
)
def test_any_case_logs_in_to_the_one_account(typed):
    user = User.objects.create_user("don.dugger@example.org", PASSWORD, full_name="Don Dugger")
    found = User.objects.get_by_natural_key(typed)
    assert found == user and found.check_password(PASSWORD)


def test_login_page_accepts_the_email_in_another_case(client):
    User.objects.create_user("don.dugger@example.org", PASSWORD, full_name="Don Dugger")
    response = client.post(
        reverse("login"), {"username": "Don.Dugger@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_an_account_stored_in_mixed_case_still_logs_in():
    # Written past the manager (a raw insert, an old row): matching still ignores case.
    user = UserFactory(full_name="Old Row")
    User.objects.filter(pk=user.pk).update(email="Old.Row@Example.org")
    user.set_password(PASSWORD)
    User.objects.filter(pk=user.pk).update(password=user.password)
    assert User.objects.get_by_natural_key("old.row@example.org").pk == user.pk


def test_a_second_account_differing_only_in_case_is_refused_by_validation():
    User.objects.create_user("don.dugger@example.org", PASSWORD, full_name="Don Dugger")
    twin = User(email="Don.Dugger@example.org", full_name="Twin")
    twin.set_password(PASSWORD)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "email" in refused.value.message_dict
    # The constraint's own check, as a form validating the model without clean() runs it.
    with pytest.raises(ValidationError, match="Someone already has this email address"):
        User(email="DON.dugger@example.org", full_name="Twin").validate_constraints()


def test_a_second_account_differing_only_in_case_is_refused_by_the_database():
    User.objects.create_user("don.dugger@example.org", PASSWORD, full_name="Don Dugger")
    with pytest.raises(IntegrityError):
        # Past every normaliser: only the constraint on the lower-cased email stands.
        User.objects.bulk_create([User(email="Don.Dugger@example.org", full_name="Twin")])
