"""Restart the local PostgreSQL under a stream of writes and count what the app answered.

    uv run python scripts/db_restart.py [--seconds 30] [--restart-at 8] [--clients 4] [--no-restart]

It builds a database of its own (br_security_restart), loads the demo, starts a meeting, serves
the app with gunicorn and production settings on 127.0.0.1:8117, signs in as the demo chair and
has a few clients add console notes, each with a unique text, for a bounded time. Part way it
restarts PostgreSQL with `pg_ctlcluster ... restart`, while a prober polls /healthz. Then it
reports: requests sent, answers by status (503s expected while the server is down, 500s must
be 0), writes the app acknowledged and whether every one of them is in the database (lost must
be 0), and seconds from the restart until writes succeed again.

Restarting PostgreSQL breaks every other connection on this machine (other test runs too): run
it deliberately, not from the test suite. It skips, with the reason, where it cannot restart.
"""

from __future__ import annotations

import argparse
import collections
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8117
DATABASE = "br_security_restart"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
BASE = f"http://127.0.0.1:{PORT}"
CHAIR = "lars.kurth@demo.boardroom.example"
MARK = "restart-probe"


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DEBUG": "false",
        "SECRET_KEY": "restart-drill-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BOARDROOM_PLAIN_STATIC": "true",
        "LOG_LEVEL": "ERROR",
    }


def skip(reason: str) -> None:
    print(f"SKIPPED: {reason}")
    sys.exit(0)


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions or shutil.which("pg_ctlcluster") is None:
        skip("no local PostgreSQL cluster managed by pg_ctlcluster")
    return versions[-1]


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def prepare() -> tuple[int, int]:
    """A fresh database with the demo and a meeting in progress: (meeting id, item id)."""
    psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DATABASE}"')
    script = """
import datetime as dt, json
from django.core.management import call_command
from django.utils import timezone
call_command("demo", no_serve=True, verbosity=0)
from governance.demo import DEMO_BOARD_SLUG
from governance.models import Board, User
from meetings import services
board = Board.objects.get(slug=DEMO_BOARD_SLUG)
chair = User.objects.get(email=CHAIR)
now = timezone.now()
meeting = services.meeting_schedule(board=board, title="Restart drill", starts_at=now,
    planned_end_at=now + dt.timedelta(hours=1), location="Conference call", actor=chair)
item = services.agenda_item_add(meeting=meeting,
    details=services.ItemDetails(title="Notes under a database restart"), actor=chair)
services.meeting_start(meeting=meeting, actor=chair)
print(json.dumps({"meeting": meeting.pk, "item": item.pk}))
"""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup()\nCHAIR = {CHAIR!r}\n" + script],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"Preparing the database failed:\n{result.stderr}")
    ids = json.loads(result.stdout.strip().splitlines()[-1])
    return ids["meeting"], ids["item"]


def serve() -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "governance.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:  # refused, reset or timed out: not up yet
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not start")


class Session:
    """One signed-in browser: cookies, the CSRF token, plain urllib."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, method: str, path: str, data: dict | None = None) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(BASE + path, data=body, method=method)  # noqa: S310
        request.add_header("Referer", BASE + "/")
        if method == "POST":
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code

    def sign_in(self) -> None:
        self.request("GET", "/accounts/login/")
        status = self.request(
            "POST", "/accounts/login/", {"username": CHAIR, "password": "boardroom-demo"}
        )
        if status != 302:
            sys.exit(f"Signing in as the demo chair answered {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def restart_postgresql(version: str) -> float:
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="How long writes are sent.")
    parser.add_argument("--restart-at", type=float, default=8, help="Seconds before restarting.")
    parser.add_argument("--clients", type=int, default=4, help="Clients writing at once.")
    parser.add_argument("--no-restart", action="store_true", help="Everything but the restart.")
    options = parser.parse_args()
    version = cluster_version()

    meeting, item = prepare()
    notes = f"/b/xen-project-ab/meetings/{meeting}/console/items/{item}/notes/"
    server = serve()
    lock = threading.Lock()
    statuses: collections.Counter[int] = collections.Counter()
    acknowledged: list[str] = []
    timeline: list[tuple[float, int]] = []  # (seconds since start, status) of every write
    health: collections.Counter[str] = collections.Counter()
    restart: dict[str, float] = {}
    try:
        sessions = []
        for _ in range(options.clients):
            session = Session()
            session.sign_in()
            sessions.append(session)
        t0 = time.monotonic()
        end = [t0 + options.seconds]

        def write(number: int, session: Session) -> None:
            sequence = 0
            while time.monotonic() < end[0] and sequence < 5000:
                sequence += 1
                text = f"{MARK} {number}-{sequence}"
                try:
                    status = session.request("POST", notes, {"text": text})
                except OSError:
                    status = 0  # no answer at all
                with lock:
                    statuses[status] += 1
                    timeline.append((time.monotonic() - t0, status))
                    if 200 <= status < 300:
                        acknowledged.append(text)

        def probe() -> None:
            while time.monotonic() < end[0]:
                try:
                    with urllib.request.urlopen(f"{BASE}/healthz", timeout=10) as response:  # noqa: S310
                        answer = json.load(response)["status"]
                except urllib.error.HTTPError as error:
                    try:
                        answer = f"{error.code} {json.load(error)['status']}"
                    except ValueError:
                        answer = f"{error.code} not JSON"
                except OSError:
                    answer = "no answer"
                with lock:
                    health[answer] += 1
                time.sleep(0.2)

        threads = [
            threading.Thread(target=write, args=(n, s)) for n, s in enumerate(sessions, start=1)
        ]
        threads.append(threading.Thread(target=probe))
        for thread in threads:
            thread.start()
        if not options.no_restart:
            time.sleep(max(0.0, t0 + options.restart_at - time.monotonic()))
            restart["at"] = time.monotonic() - t0
            restart["took"] = restart_postgresql(version)
            # Keep writing long enough after the restart to see the recovery.
            end[0] = max(end[0], time.monotonic() + 15)
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    kept = set(
        psql(
            f"SELECT text FROM meetings_note WHERE text LIKE '{MARK}%'",  # noqa: S608 - a constant
            DATABASE,
        ).splitlines()
    )
    lost = [text for text in acknowledged if text not in kept]
    failures = [moment for moment, status in timeline if not 200 <= status < 300]
    recovered = None
    if restart and failures:
        last_failure = max(failures)
        after = [m for m, s in timeline if 200 <= s < 300 and m > last_failure]
        recovered = (min(after) - restart["at"]) if after else None

    print(f"requests sent:        {sum(statuses.values())}")
    print(f"answers by status:    {dict(sorted(statuses.items()))}")
    print(f"503s:                 {statuses[503]}")
    print(f"500s:                 {statuses[500]}  (must be 0)")
    print(f"writes acknowledged:  {len(acknowledged)}")
    print(f"writes in database:   {len(kept)}  (includes any committed after a lost answer)")
    print(f"acknowledged but lost:{len(lost):>3}  (must be 0)")
    print(f"/healthz answers:     {dict(health)}")
    if restart:
        began, took = restart["at"], restart["took"]
        print(f"restart began at:     {began:.1f} s, pg_ctlcluster took {took:.1f} s")
        print(
            "seconds to recover:   "
            + (
                f"{recovered:.1f} (from the restart to the first write after the last failure)"
                if recovered is not None
                else "no failures seen"
                if not failures
                else "never"
            )
        )
    psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    bad = statuses[500] or lost or (restart and failures and recovered is None)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
