"""Backing up and restoring the whole database: pg_dump/pg_restore for PostgreSQL, SQLite's own
online backup API for SQLite (a consistent copy even while the app writes, WAL included).

Both work on a Django `settings_dict`, so a backup can be restored into another database than
the configured one (a restore test, a staging copy).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """Said to the operator as it is: what failed and what to do."""


def is_postgresql(settings_dict: dict) -> bool:
    return settings_dict["ENGINE"] == "django.db.backends.postgresql"


def suffix_for(settings_dict: dict) -> str:
    return ".dump" if is_postgresql(settings_dict) else ".sqlite3"


# -- PostgreSQL ---------------------------------------------------------------------------------


def _pg_command(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tools, arguments from the settings
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _pg_backup(settings_dict: dict, path: Path) -> None:
    arguments, environment = _pg_environment(settings_dict)
    _run(
        [
            _pg_command("pg_dump"),
            *arguments,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(path),
            str(settings_dict["NAME"]),
        ],
        environment,
        "pg_dump",
    )
    # A dump pg_restore cannot list is no backup.
    _run([_pg_command("pg_restore"), "--list", str(path)], environment, "Checking the dump")


def _pg_restore(settings_dict: dict, path: Path, *, replace: bool) -> None:
    arguments, environment = _pg_environment(settings_dict)
    command = [
        _pg_command("pg_restore"),
        *arguments,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        str(settings_dict["NAME"]),
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(path)], environment, "pg_restore")


# -- SQLite -------------------------------------------------------------------------------------


def _regexp(pattern: str, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _sqlite_connect(target: str, **kwargs) -> sqlite3.Connection:
    """A plain connection that can still evaluate the schema's CHECKs (Django adds REGEXP)."""
    connection = sqlite3.connect(target, **kwargs)
    connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    return connection


def _sqlite_open(settings_dict: dict, alias: str | None) -> tuple[sqlite3.Connection, bool]:
    """The database's connection: Django's own when it is the configured one (an in-memory test
    database exists only there), else a new one. Returns (connection, whether to close it)."""
    if alias is not None and connections[alias].settings_dict["NAME"] == settings_dict["NAME"]:
        connection = connections[alias]
        connection.ensure_connection()
        return connection.connection, False
    return _sqlite_connect(str(settings_dict["NAME"])), True


def _sqlite_backup(settings_dict: dict, path: Path, alias: str | None) -> None:
    source, close = _sqlite_open(settings_dict, alias)
    target = _sqlite_connect(str(path))
    try:
        source.backup(target)
        (result,) = target.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check: {result}")
    finally:
        target.close()
        if close:
            source.close()


def _sqlite_restore(settings_dict: dict, path: Path, alias: str | None) -> None:
    source = _sqlite_connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup: {error}") from error
        if result != "ok":
            raise BackupError(f"{path} failed its integrity check: {result}")
        target, close = _sqlite_open(settings_dict, alias)
        try:
            source.backup(target)
        finally:
            if close:
                target.close()
    finally:
        source.close()


# -- Both ---------------------------------------------------------------------------------------


def tables_with_rows(settings_dict: dict, alias: str | None = None) -> list[str]:
    """The tables of the target that hold anything: a restore refuses to overwrite them."""
    if is_postgresql(settings_dict):
        import psycopg

        arguments = {
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "dbname": settings_dict["NAME"],
        }
        with psycopg.connect(**{k: v for k, v in arguments.items() if v}) as connection:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            return [
                name
                for name in names
                if connection.execute(
                    psycopg.sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(
                        psycopg.sql.Identifier(name)
                    )
                ).fetchone()[0]
            ]
    connection, close = _sqlite_open(settings_dict, alias)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return [
            name
            for name in names
            if connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]  # noqa: S608 - names from sqlite_master
        ]
    finally:
        if close:
            connection.close()


def backup(settings_dict: dict, path: Path, *, alias: str | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name.")
    try:
        if is_postgresql(settings_dict):
            _pg_backup(settings_dict, path)
        else:
            _sqlite_backup(settings_dict, path, alias)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a backup that looks whole
        raise
    return path


def restore(settings_dict: dict, path: Path, *, alias: str | None = None, replace: bool) -> None:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if not replace and (occupied := tables_with_rows(settings_dict, alias)):
        raise BackupError(
            f"The database already holds data ({len(occupied)} tables with rows). Restore into "
            "an empty database, or add --replace to overwrite everything in it."
        )
    if is_postgresql(settings_dict):
        _pg_restore(settings_dict, path, replace=replace)
    else:
        _sqlite_restore(settings_dict, path, alias)
