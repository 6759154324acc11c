"""The admin is the secretary's tool: every changelist and add page loads for them."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary_client(cast, client_for):
    cast.sam.is_staff = True
    cast.sam.is_superuser = True
    cast.sam.save()
    return client_for(cast.sam)


def admin_urls():
    for model in admin.site._registry:
        meta = model._meta
        yield pytest.param(
            meta.app_label, meta.model_name, id=f"{meta.app_label}.{meta.model_name}"
        )


def addable(app_label: str, model_name: str) -> bool:
    """Read-only registrations (the audit log) have no add page on purpose."""
    from django.apps import apps
    from django.test import RequestFactory

    from governance.models import User

    request = RequestFactory().get("/")
    request.user = User.objects.get(email="sam@example.org")
    model_admin = admin.site._registry[apps.get_model(app_label, model_name)]
    return model_admin.has_add_permission(request)


@pytest.mark.parametrize(("app_label", "model_name"), list(admin_urls()))
def test_changelist_and_add_page_load_for_the_secretary(secretary_client, app_label, model_name):
    views = ["changelist", "add"] if addable(app_label, model_name) else ["changelist"]
    for view in views:
        response = secretary_client.get(reverse(f"admin:{app_label}_{model_name}_{view}"))
        assert response.status_code == 200, view


@pytest.mark.parametrize(("app_label", "model_name"), list(admin_urls()))
def test_changelist_search_and_filters_work(secretary_client, app_label, model_name):
    response = secretary_client.get(
        reverse(f"admin:{app_label}_{model_name}_changelist"), {"q": "a"}
    )
    assert response.status_code == 200


def test_change_pages_load_with_inlines(cast, secretary_client):
    for url in (
        reverse("admin:governance_board_change", args=[cast.board.pk]),
        reverse("admin:governance_organisation_change", args=[cast.acme.pk]),
        reverse("admin:governance_user_change", args=[cast.victor.pk]),
    ):
        assert secretary_client.get(url).status_code == 200


def test_admin_refuses_a_second_voting_representative(cast, secretary_client):
    response = secretary_client.post(
        reverse("admin:governance_seat_add"),
        {
            "board": cast.board.pk,
            "person": cast.nora.pk,
            "organisation": cast.acme.pk,
            "role": "voting",
            "starts_on": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "already the voting representative of Acme" in response.text


def test_voting_member_without_admin_access_is_sent_to_admin_login(cast, client_for):
    response = client_for(cast.victor).get(reverse("admin:index"))
    assert response.status_code == 302
