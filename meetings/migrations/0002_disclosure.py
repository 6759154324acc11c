"""Embargoes end at a moment, not on a day; notes can be board only or embargoed on their own.

An item's old embargo day meant "not public until after this day (inclusive)", so it becomes the
start of the following day in the board's time zone: nothing embargoed becomes public earlier.
"""

import datetime as dt
import zoneinfo

from django.db import migrations, models


def day_to_moment(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    items = AgendaItem.objects.filter(embargo_until_day__isnull=False).select_related(
        "meeting__board"
    )
    for item in items:
        zone = zoneinfo.ZoneInfo(item.meeting.board.timezone)
        following = item.embargo_until_day + dt.timedelta(days=1)
        item.embargo_until = dt.datetime.combine(following, dt.time(0, 0), tzinfo=zone)
        item.save(update_fields=["embargo_until"])


def moment_to_day(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    items = AgendaItem.objects.filter(embargo_until__isnull=False).select_related("meeting__board")
    for item in items:
        zone = zoneinfo.ZoneInfo(item.meeting.board.timezone)
        # The last day still under embargo.
        item.embargo_until_day = (
            item.embargo_until.astimezone(zone) - dt.timedelta(microseconds=1)
        ).date()
        item.save(update_fields=["embargo_until_day"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="board_only",
            field=models.BooleanField(
                default=False,
                help_text="Confidential: never shown outside the board, even once minutes are "
                "public.",
                verbose_name="board only",
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="Not shown outside the board before this moment; public from then on.",
                null=True,
                verbose_name="embargoed until",
            ),
        ),
        migrations.RenameField(
            model_name="agendaitem", old_name="embargo_until", new_name="embargo_until_day"
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="Not shown outside the board before this moment; public from then on.",
                null=True,
                verbose_name="embargoed until",
            ),
        ),
        migrations.RunPython(day_to_moment, moment_to_day),
        migrations.RemoveField(model_name="agendaitem", name="embargo_until_day"),
    ]
