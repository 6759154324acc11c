"""The migration to stretches: each present attendance's arrival and departure become its first
stretch; going back, the first arrival and the last departure return to the attendance."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0009_attendance_title_and_roles")]
START = dt.datetime(2024, 3, 14, 10, 0, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("meetings")


@pytest.mark.django_db(transaction=True)
def test_arrivals_and_departures_become_stretches_and_back(cast):
    old = migrate(BEFORE)
    try:
        Meeting = old.get_model("meetings", "Meeting")
        Attendance = old.get_model("meetings", "Attendance")
        meeting = Meeting.objects.create(
            board_id=cast.board.pk,
            title="Before stretches",
            starts_at=START,
            status="in_progress",
            started_at=START,
        )

        def row(person, status, arrived=None, departed=None):
            return Attendance.objects.create(
                meeting=meeting,
                person_id=person.pk,
                person_name=person.full_name,
                organisation_id=cast.globex.pk,
                organisation_name="Globex",
                role="voting",
                status=status,
                arrived_at=arrived,
                departed_at=departed,
            ).pk

        late = START + dt.timedelta(minutes=12)
        left = START + dt.timedelta(minutes=50)
        rows = {
            "throughout": row(cast.greta, "present"),
            "late-and-left": row(cast.victor, "present", late, left),
            "apologies": row(cast.ivan, "apologies"),
        }
        new = migrate(latest())
        Presence = new.get_model("meetings", "Presence")
        stretches = {
            name: list(
                Presence.objects.filter(attendance_id=pk).values_list("arrived_at", "departed_at")
            )
            for name, pk in rows.items()
        }
        assert stretches == {
            "throughout": [(None, None)],
            "late-and-left": [(late, left)],
            "apologies": [],
        }
        # A time away, then back: the reverse keeps the first arrival and the last departure.
        Presence.objects.filter(attendance_id=rows["late-and-left"]).update(
            departed_at=START + dt.timedelta(minutes=20)
        )
        Presence.objects.create(
            attendance_id=rows["late-and-left"], arrived_at=START + dt.timedelta(minutes=30)
        )
        back = migrate(BEFORE).get_model("meetings", "Attendance")
        assert back.objects.filter(pk=rows["late-and-left"]).values_list(
            "arrived_at", "departed_at"
        ).get() == (late, None)
        assert back.objects.filter(pk=rows["throughout"]).values_list(
            "arrived_at", "departed_at"
        ).get() == (None, None)
    finally:
        migrate(BEFORE).get_model("meetings", "Meeting").objects.all().delete()
        migrate(latest())
