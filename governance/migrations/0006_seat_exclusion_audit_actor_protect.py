"""One voting representative per organisation at any date, held by PostgreSQL itself.

The rule is an exclusion constraint over each voting seat's date range (both ends held; an open
end is unbounded), so a write that skips the service (a raw insert, a bulk load, a race) is
refused too. SQLite has no such constraint: there the service checks the rule inside its
IMMEDIATE transaction. The constraint is kept out of the model's Meta (and so out of the
migration state) because Meta constraints are created on every database.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

CONSTRAINT = "seat_one_voting_representative_at_a_time"


def exclusion_constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateRangeField, RangeOperators

    class DateRange(models.Func):
        function = "daterange"
        output_field = DateRangeField()

    return ExclusionConstraint(
        name=CONSTRAINT,
        expressions=[
            ("board", RangeOperators.EQUAL),
            ("organisation", RangeOperators.EQUAL),
            (DateRange("starts_on", "ends_on", models.Value("[]")), RangeOperators.OVERLAPS),
        ],
        condition=models.Q(role="voting"),
        violation_error_message="An organisation has one voting representative at a time.",
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("governance", "Seat"), exclusion_constraint())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("governance", "Seat"), exclusion_constraint())


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_audit_changes_protect"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audit_entries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # A no-op on SQLite (Django's extension operations skip other databases).
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]
