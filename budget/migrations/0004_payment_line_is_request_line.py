"""A payment's line is its request's line, held by the database.

(id, line) is made a key of spending requests; on PostgreSQL a payment's (request, line) pair
is a foreign key to it, checked at once (not deferred), so a direct write with another line,
or moving a paid request to another line, is refused. A NULL request (a payment on the line
alone) is not checked, as SQL's MATCH SIMPLE says. SQLite cannot add a foreign key to an
existing table; there `budget.services.payment_record` checks the same rule.

Payments that already break the rule stop the migration with their ids: which line was meant
is a person's decision, not the migration's.
"""

from django.db import migrations, models

ADD_KEY = """
ALTER TABLE budget_payment
ADD CONSTRAINT payment_line_is_request_line
FOREIGN KEY (request_id, line_id) REFERENCES budget_spendingrequest (id, line_id)
"""
DROP_KEY = "ALTER TABLE budget_payment DROP CONSTRAINT payment_line_is_request_line"


def refuse_mismatched_payments(apps, schema_editor):
    Payment = apps.get_model("budget", "Payment")
    wrong = list(
        Payment.objects.filter(request__isnull=False)
        .exclude(line_id=models.F("request__line_id"))
        .values_list("pk", flat=True)
    )
    if wrong:
        raise RuntimeError(
            "These payments are on another line than their request's; set each one's line "
            f"(or its request) before migrating: {', '.join(map(str, wrong))}."
        )


def add_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_KEY)


def drop_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_KEY)


class Migration(migrations.Migration):

    dependencies = [
        ("budget", "0003_spendingrequest_motion_and_more"),
    ]

    operations = [
        migrations.RunPython(refuse_mismatched_payments, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="spendingrequest",
            constraint=models.UniqueConstraint(
                fields=("id", "line"), name="spending_request_id_line"
            ),
        ),
        migrations.RunPython(add_key, drop_key),
    ]
