"""Backup and restore round-trip: fill a database, back it up, restore into an empty one and
compare every table's rows. On PostgreSQL the copy goes into a database of its own
(`<test database>_restore`), on SQLite into a new file."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from governance import backup, two_factor
from governance.models import Board, User
from tests.security.helpers import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def fill() -> None:
    call_command("demo", no_serve=True, verbosity=0)
    enrol(User.objects.get(email="lars.kurth@demo.boardroom.example"))
    two_factor.required_for(User.objects.first())


def source_rows() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def postgresql_rows(settings_dict: dict) -> dict[str, list[tuple]]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**connect_arguments(settings_dict)) as target:
        tables = [
            row[0]
            for row in target.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        return {
            table: sorted(
                target.execute(
                    sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))
                ).fetchall(),
                key=repr,
            )
            for table in tables
        }


def sqlite_rows(path) -> dict[str, list[tuple]]:
    # Read as Django reads (its converters turn dates and decimals into Python values).
    target = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        tables = [
            row[0]
            for row in target.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(target.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }
    finally:
        target.close()


def connect_arguments(settings_dict: dict, dbname: str | None = None) -> dict:
    arguments = {
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "dbname": dbname or settings_dict["NAME"],
    }
    return {key: value for key, value in arguments.items() if value}


@pytest.fixture
def empty_target(tmp_path):
    """A settings_dict for an empty database of our own, dropped afterwards."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor != "postgresql":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    import psycopg
    from psycopg import sql

    settings_dict["NAME"] = f"{connection.settings_dict['NAME']}_restore"
    admin = psycopg.connect(**connect_arguments(settings_dict, "postgres"), autocommit=True)
    name = sql.Identifier(settings_dict["NAME"])
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield settings_dict
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.close()


def rows_in(settings_dict: dict) -> dict[str, list[tuple]]:
    if backup.is_postgresql(settings_dict):
        return postgresql_rows(settings_dict)
    return sqlite_rows(settings_dict["NAME"])


def test_every_table_round_trips_through_a_backup(tmp_path, empty_target):
    fill()
    # Both sides read the same way (Django's cursor and psycopg's differ on JSON and zones).
    before = (
        rows_in(connection.settings_dict) if connection.vendor == "postgresql" else source_rows()
    )
    filled = [table for table, rows in before.items() if rows]
    assert len(filled) >= 15, filled  # the demo, a second factor, migrations, content types
    assert sum(len(rows) for rows in before.values()) > 500

    path = backup.backup(connection.settings_dict, tmp_path / "board.bak", alias="default")
    assert path.stat().st_size > 10_000
    backup.restore(empty_target, path, replace=False)

    after = rows_in(empty_target)
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], table


def test_a_restore_refuses_a_database_that_holds_data(tmp_path, empty_target):
    fill()
    path = backup.backup(connection.settings_dict, tmp_path / "board.bak", alias="default")
    backup.restore(empty_target, path, replace=False)
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore(empty_target, path, replace=False)
    # --replace overwrites: a board added since is gone again.
    Board.objects.create(name="Added after the backup", slug="added", quorum_count=1)
    newer = backup.backup(connection.settings_dict, tmp_path / "newer.bak", alias="default")
    backup.restore(empty_target, newer, replace=True)
    assert any("Added after the backup" in row for row in rows_in(empty_target)["governance_board"])
    backup.restore(empty_target, path, replace=True)
    assert not any(
        "Added after the backup" in row for row in rows_in(empty_target)["governance_board"]
    )


def test_the_commands_back_up_and_refuse_to_overwrite_in_words(tmp_path, capsys):
    fill()
    path = tmp_path / "nightly.bak"
    call_command("backup", str(path))
    assert "Backed up to" in capsys.readouterr().out
    assert path.stat().st_size > 10_000
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.bak"), "--replace")
    boards = Board.objects.count()
    garbage = tmp_path / "garbage.bak"
    garbage.write_bytes(b"this is not a backup\x00" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(garbage), "--replace")
    assert Board.objects.count() == boards
