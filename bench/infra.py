"""What the suite starts and stops: PostgreSQL databases, the app under gunicorn, wrk."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def postgres_available() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=2):
        return True
    return False


def ensure_postgres() -> None:
    """Start the machine's cluster if it is down, as .ci/run does."""
    if postgres_available():
        return
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").exists() else []
    if not versions:
        raise SystemExit("PostgreSQL is not running on 127.0.0.1:5432 and is not installed here")
    log("starting PostgreSQL")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True
    )
    for _ in range(30):
        if postgres_available():
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not come up on 127.0.0.1:5432")


def ensure_wrk() -> str:
    """wrk from Debian, installed if missing (the suite runs as root, like CI)."""
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk (Debian package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(install, env=env, capture_output=True, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database, "-qc", sql],
        check=True,
        capture_output=True,
        text=True,
    )


def database_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def drop_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_available() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return True
    return False


@dataclass
class Environment:
    """The production settings every process of one run shares (one SECRET_KEY for all)."""

    cache_url: str
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    data_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="boardroom-bench-"))

    def for_database(self, name: str, cache_prefix: str = "") -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            BOARDROOM_DEV="false",
            DJANGO_SETTINGS_MODULE="governance.settings",
            DATABASE_URL=database_url(name),
            SECRET_KEY=self.secret_key,
            DEBUG="false",
            BENCH="true",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # Plain HTTP on loopback: what a TLS-terminating proxy would hand the app.
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            LOG_LEVEL="WARNING",
            DATA_DIR=self.data_dir,
            CACHE_URL=self.cache_url,
            CACHE_KEY_PREFIX=cache_prefix or name,
            PYTHONUNBUFFERED="1",
        )
        return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def static_is_stale() -> bool:
    """Whether collectstatic must run: its manifest is missing or older than a source file."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "static").rglob("*"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One gunicorn (2 sync workers, as the issue's measurements) on a loopback port of its own."""

    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "governance.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}")
            health = f"{self.base}/healthz"  # our own loopback server
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    log(f"gunicorn pid {self.process.pid} serving {self.base}")
                    return
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 90 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # The master and its workers are one session we started; end exactly that group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@contextlib.contextmanager
def servers(env: dict[str, str], count: int) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for _ in range(count):
            server = Server(env)
            started.append(server)
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


# -- Where the CPU goes during a run ---------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the name: state ppid ... utime (field 14) stime (15), counted from "state" as 0.
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_of(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def every_process() -> dict[int, tuple[str, float]]:
    """Each process on the machine: its name and the CPU seconds it has used, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in first[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


@dataclass
class CpuMeter:
    """CPU seconds spent during a stretch of the run: by this (the client's) process, by the
    servers' processes (gunicorn's masters and workers), and by everything else on the machine
    (PostgreSQL, Redis, other work), against the wall time and the cores there are."""

    server_pids: list[int]
    started: dict = field(default_factory=dict)

    def _sample(self) -> dict:
        pids = [pid for master in self.server_pids for pid in [master, *children_of(master)]]
        return {
            "wall": time.monotonic(),
            "client": time.process_time(),
            "servers": {pid: process_cpu(pid) for pid in pids},
            "machine": machine_busy(),
            "processes": every_process(),
        }

    def __enter__(self) -> CpuMeter:
        self.started = self._sample()
        return self

    def __exit__(self, *exc) -> None:
        self.ended = self._sample()

    def summary(self) -> dict:
        first, last = self.started, self.ended
        wall = last["wall"] - first["wall"]
        client = last["client"] - first["client"]
        servers = sum(cpu - first["servers"].get(pid, 0.0) for pid, cpu in last["servers"].items())
        machine = last["machine"] - first["machine"]
        ours = {os.getpid(), *last["servers"]}
        others: dict[str, float] = {}
        for pid, (name, cpu) in last["processes"].items():
            if pid in ours:
                continue
            before = first["processes"].get(pid)
            spent = cpu - (before[1] if before and before[0] == name else 0.0)
            if spent > 0:
                others[name] = others.get(name, 0.0) + spent
        return {
            "others": dict(sorted(others.items(), key=lambda item: -item[1])[:5]),
            "wall": wall,
            "cores": os.cpu_count() or 1,
            "client": client,
            "servers": servers,
            "rest": max(0.0, machine - client - servers),
            "idle": max(0.0, wall * (os.cpu_count() or 1) - machine),
        }

    def describe(self) -> str:
        figures = self.summary()
        wall = figures["wall"] or 1.0
        parts = [
            f"{name} {figures[name]:.1f} s ({figures[name] / wall:.2f} cores)"
            for name in ("client", "servers", "rest", "idle")
        ]
        others = ", ".join(f"{name} {cpu:.1f} s" for name, cpu in figures["others"].items())
        return (
            f"CPU over {wall:.1f} s on {figures['cores']} cores: "
            + ", ".join(parts)
            + f"; of the rest: {others}"
        )
