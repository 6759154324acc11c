"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environ: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"BOARDROOM_DEV", "DEBUG"}}
    env.pop("SECRET_KEY", None)
    env.update(environ)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import governance.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_a_bad_boolean_is_an_error_not_a_guess():
    result = load_settings(DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_development_runs_without_configuration():
    assert load_settings(BOARDROOM_DEV="1").returncode == 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
