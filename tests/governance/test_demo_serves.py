"""`manage.py demo` serves as a board would see it: Boardroom's 404 for a mistyped URL (not
Django's debug page with the URL map), and its styles and scripts all the same."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.mark.own_database  # SQLite in tmp_path, whatever the suite runs on
def test_the_demo_shows_boardroom_s_404_and_still_serves_static_files(tmp_path):
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DATA_DIR": str(tmp_path),
    }
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "demo", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a fresh database migrates first
        while True:
            try:
                status, _, _ = fetch(f"{base}/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the demo did not start serving"
                time.sleep(0.5)
        assert status == 200

        status, _, body = fetch(f"{base}/b/xen-project-ab/no-such-page/")
        assert status == 404
        assert "Nothing here" in body and "Boardroom" in body
        assert "URLconf" not in body and "DEBUG = True" not in body

        status, kind, body = fetch(f"{base}/static/css/boardroom.css")
        assert status == 200 and kind.startswith("text/css")
        assert ".table-wrap" in body
        status, kind, _ = fetch(f"{base}/static/vendor/htmx-2.0.11.min.js")
        assert status == 200 and "javascript" in kind
    finally:
        server.terminate()
        server.wait(timeout=20)
