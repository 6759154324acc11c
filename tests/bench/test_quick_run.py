"""The benchmark suite runs end to end (`python -m bench --smoke`: the quick run's data and
scenarios, each as briefly as still exercises it), so it never rots.

It builds its own PostgreSQL databases (named after this process, dropped afterwards), starts
gunicorn with production settings, drives it with wrk and the paced client, stops it and prints
the table. Figures are not asserted here (bench/README.md records them); that every scenario ran,
answered without errors and counted its queries is.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _postgres_or_skip() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        reason = "the benchmark needs PostgreSQL on 127.0.0.1:5432"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the quick benchmark must run in CI: {reason}")
        pytest.skip(reason)


def _databases(prefix: str) -> list[str]:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SELECT datname FROM pg_database"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in result.stdout.split() if name.startswith(prefix)]


@pytest.mark.own_database
def test_quick_benchmark_runs_every_scenario_and_cleans_up(tmp_path):
    _postgres_or_skip()
    prefix = f"br_benchtest_{os.getpid()}"
    rows_file = tmp_path / "rows.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--prefix", prefix, "--json", str(rows_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "| size " in result.stdout and "Targets missed:" in result.stdout
    rows = {row["scenario"]: row for row in json.loads(rows_file.read_text())}

    expected = [
        "control: Fortunes, logged in",
        "control: Fortunes, no session",
        "control: insert one row (POST)",
        "reading: dashboard",
        "reading: meeting record",
        "reading: members directory",
        "reading: budget year",
        "reading: year workbook (.xlsx)",
        "watching: unchanged poll, saturated",
        "watching: changed poll (cost per watcher per change)",
        "chair writing: note, under the watching load",
        "chair writing: attendance, under the watching load",
        "chair writing: next item, under the watching load",
        "growth: meeting record (p95 x one board)",
    ]
    for scenario in expected:
        row = rows[scenario]
        figures = row["figures"]
        # Every row was asked for (its query count comes from a real answer) and nothing failed;
        # how many answers a second or two brings depends on how busy the machine is.
        assert figures["errors"] == 0, (scenario, figures)
        assert figures["queries"] and figures["queries"] > 0, scenario
        if scenario.startswith(("control", "reading")):
            assert figures["extra"]["status"] == 200, (scenario, figures)
        if scenario.startswith("chair writing"):
            assert figures["requests"] > 0, scenario
    # Pages are served compressed, and the unchanged poll (signed in, the seat checked every
    # time) is one query with the live pass (meetings/live_pass.py), as the server says.
    assert rows["reading: dashboard"]["figures"]["extra"]["encoding"] == "gzip"
    assert "Accept-Encoding" in rows["reading: dashboard"]["figures"]["extra"]["vary"]
    unchanged = rows["watching: unchanged poll, saturated"]["figures"]
    assert unchanged["queries"] == 1, unchanged
    # The vote burst: every holder of the quick board (200) voted once, and the database and the
    # tally frozen at closing agree with what was sent (the speed targets may be missed on a
    # busy machine; correctness may not).
    burst = rows["voting: vote burst"]
    assert burst["figures"]["requests"] == 200, burst
    kept = burst["figures"]["extra"]["kept"]
    assert kept["total"] == kept["units"] == 200, kept
    assert kept["frozen"] == burst["figures"]["extra"]["sent"], kept
    assert not any(
        word in burst["verdict"] for word in ("stored", "tally", "errors", "closing", "watcher")
    ), burst["verdict"]
    assert rows["reading: minutes"]["figures"]["errors"] == 0
    # Nothing is left behind: the databases are dropped, the servers gone (their port is free).
    assert _databases(prefix) == []
    servers = re.findall(r"gunicorn pid (\d+) serving http://127.0.0.1:(\d+)", result.stderr)
    assert servers
    for pid, port in servers:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
