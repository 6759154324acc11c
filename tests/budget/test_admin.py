"""The budget in the admin: change pages with their inlines load, and edits are audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Payment
from governance.models import AuditEntry
from tests.budget.factories import CostItemFactory, PaymentFactory
from tests.budget.helpers import approve, simple_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    return client_for(cast.sam)


def test_change_pages_load_with_their_inlines(cast, admin_client, year, line):
    spending_request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    item = CostItemFactory(request=spending_request)
    payment = PaymentFactory(request=spending_request, line=line)
    for url in (
        reverse("admin:budget_fiscalyear_change", args=[year.pk]),
        reverse("admin:budget_budgetline_change", args=[line.pk]),
        reverse("admin:budget_spendingrequest_change", args=[spending_request.pk]),
        reverse("admin:budget_costitem_change", args=[item.pk]),
        reverse("admin:budget_payment_change", args=[payment.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(
        reverse("admin:budget_spendingrequest_change", args=[spending_request.pk])
    )
    assert "Cost items" in page.text and "Sponsor shares" in page.text


def test_a_payment_added_in_the_admin_is_converted_and_audited(cast, admin_client, year, line):
    response = admin_client.post(
        reverse("admin:budget_payment_add"),
        {
            "line": line.pk,
            "paid_on": "2024-06-30",
            "amount": "1553.45",
            "currency": "GBP",
            "exchange_rate": "1.6825",
            "reference": "Admin correction",
        },
    )
    assert response.status_code == 302, response.text
    assert Payment.objects.get().base_amount == Decimal("2613.68")
    assert AuditEntry.objects.filter(action="budget.payment.record", actor=cast.sam).exists()
