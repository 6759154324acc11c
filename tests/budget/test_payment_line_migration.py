"""Migration 0004 makes a payment's line its request's line; payments that already break the
rule stop it, naming them, rather than being moved to a line nobody chose."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budget.models import Payment
from tests.budget.factories import BudgetLineFactory, PaymentFactory

BEFORE = [("budget", "0003_spendingrequest_motion_and_more")]
AFTER = [("budget", "0004_payment_line_is_request_line")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_payments_on_another_line_than_their_request_stop_the_migration(cast):
    migrate(BEFORE)
    try:
        payment = PaymentFactory(request__line__fiscal_year__board=cast.board)
        other = BudgetLineFactory(fiscal_year=payment.line.fiscal_year)
        Payment.objects.filter(pk=payment.pk).update(line=other)
        with pytest.raises(RuntimeError, match=rf"their request's.*: {payment.pk}\."):
            migrate(AFTER)
        Payment.objects.filter(pk=payment.pk).update(line=payment.request.line)
        migrate(AFTER)  # once a person has set the line, it runs
    finally:
        Payment.objects.all().delete()
        migrate(AFTER)
