"""`uv run python -m bench [--quick | --smoke] [--instances 2]`: build, serve, load, stop, print.

1. Builds PostgreSQL databases with the generator (bench/generate.py): "one board" (the demo)
   and "large" in a database each; `--quick` puts the demo and a cut-down large board in one.
2. Starts the app as it runs in production (gunicorn, 2 sync workers, DEBUG off, WhiteNoise's
   manifest storage, production settings with plain HTTP on a loopback port of its own) with BENCH
   on, which mounts the controls and reports queries per request.
3. Drives it from other processes (wrk; a paced asyncio client for the watchers and the chair),
   then stops everything it started and drops the databases (unless --keep).
Every rate is a ratio to a control measured on the same server in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import infra
from bench.infra import ROOT, Environment, log
from bench.scenarios import (
    Plan,
    Row,
    client_check,
    control_rows,
    controls,
    growth,
    reading,
    unchanged_poll,
    vote_burst,
    watching,
)

FULL = Plan(seconds=10, watch_seconds=30, watchers=500)
# Quick: fewer connections, so that even on a busy machine each page is answered within the run.
QUICK = Plan(seconds=2, watch_seconds=8, watchers=20, connections=8)
# Smoke: the quick run's data and every one of its scenarios, each as briefly as still exercises
# it (the watching run still sees each of the chair's writes). The suite's test of the benchmark
# (tests/bench/) runs this: it proves the benchmark works, its figures measure nothing.
SMOKE = Plan(seconds=1, watch_seconds=5, watchers=10, connections=4)
# What --only chooses from (the controls and the client check run whatever is chosen).
SCENARIOS = ("reading", "watching", "voting")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="seconds per scenario, small data")
    parser.add_argument("--smoke", action="store_true", help="--quick, as briefly as possible")
    parser.add_argument("--instances", type=int, default=1, help="app servers on one database")
    parser.add_argument("--prefix", default="br_bench", help="database names start with this")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--only",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable; the controls and the client check always run; "
        "'watching' includes the chair writing under its load)",
    )
    parser.add_argument(
        "--watchers", type=int, help="members polling in the watching scenario (a diagnosis)"
    )
    args = parser.parse_args(argv)
    args.quick = args.quick or args.smoke
    # Stopped from outside, still stop the servers and drop the databases (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    infra.ensure_postgres()
    infra.ensure_wrk()
    cache_url = os.environ.get("CACHE_URL") or (
        "redis://127.0.0.1:6379/0" if infra.redis_available() else "db://bench_cache"
    )
    environment = Environment(cache_url=cache_url)
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.watchers:
        plan = dataclasses.replace(plan, watchers=args.watchers)
    only = set(args.only or SCENARIOS)
    if args.quick:
        layout = {f"{args.prefix}_quick": ["small", "quick"]}
    else:
        layout = {f"{args.prefix}_small": ["small"], f"{args.prefix}_large": ["large"]}
    template = f"{args.prefix}_template"
    created = [template, *layout]
    rows = LoggedRows()
    try:
        build_template(environment, template)
        if infra.static_is_stale():
            log("collecting static files (manifest storage, as in production)")
            infra.manage(environment.for_database(template), "collectstatic", "--noinput", "-v0")
        manifests = {}
        for database, sizes in layout.items():
            manifests.update(build(environment, template, database, sizes))
        readings: dict[str, list[Row]] = {}
        for database, sizes in layout.items():
            env = environment.for_database(database, cache_prefix=f"{database}-{os.getpid()}")
            with infra.servers(env, args.instances) as running:
                chair_base = running[0].base
                watch_base = running[-1].base
                pids = [server.process.pid for server in running]
                # One set of controls per server: every ratio is to the same run and server.
                control = controls("+".join(sizes), chair_base, manifests[sizes[0]], plan)
                rows += control_rows("+".join(sizes), control)
                rows.append(client_check("+".join(sizes), chair_base, plan, control, pids))
                for size in sizes:
                    manifest = manifests[size]
                    if "reading" in only:
                        readings[size] = reading(size, chair_base, manifest, plan, control)
                        rows += readings[size]
                    if "watching" in only and (size in ("small", "large") or args.instances > 1):
                        rows.append(unchanged_poll(size, watch_base, manifest, plan, control))
                        rows += watching(
                            size, watch_base, chair_base, manifest, plan, args.instances, pids
                        )
                    if "voting" in only and "vote" in manifest:
                        rows.append(vote_burst(size, watch_base, manifest, plan, control, database))
        large = "quick" if args.quick else "large"
        if "reading" in only:
            rows += growth(readings["small"], readings[large], large)
    finally:
        if not args.keep:
            for database in created:
                infra.drop_database(database)
        shutil.rmtree(environment.data_dir, ignore_errors=True)
    print(table(rows, manifests, plan, args, time.monotonic() - started, cache_url))
    if args.json:
        args.json.write_text(json.dumps([row_json(row) for row in rows], indent=1))
    return 0


class LoggedRows(list):
    """The table's rows, each also logged as it is measured: a run cut short (a machine taken
    away, a scenario that never ends) still leaves its figures in the log."""

    def append(self, row: Row) -> None:
        super().append(row)
        figures = row.figures
        numbers = (
            f"{figures.rate:,.0f} req/s, p95 {figures.p95:.1f} ms, {figures.errors} errors, "
            f"{figures.queries} queries"
            if figures
            else "-"
        )
        ratio = f", ratio {row.ratio:.2f}" if row.ratio is not None else ""
        log(f"row: {row.size} | {row.scenario} | {numbers}{ratio} | {row.verdict}")

    def __iadd__(self, rows):
        for row in rows:
            self.append(row)
        return self


def build_template(environment: Environment, template: str) -> None:
    log(f"migrating {template}")
    infra.drop_database(template)
    infra.psql(f'CREATE DATABASE "{template}"')
    env = environment.for_database(template)
    infra.manage(env, "migrate", "--noinput", "-v0")
    if environment.cache_url.startswith("db://"):
        infra.manage(env, "createcachetable")


def build(environment: Environment, template: str, database: str, sizes: list[str]) -> dict:
    log(f"building {database}: {', '.join(sizes)}")
    infra.drop_database(database)
    infra.psql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.generate", ",".join(sizes), str(target)],
            cwd=ROOT,
            env=environment.for_database(database),
            check=True,
        )
        manifests = json.loads(target.read_text())
    finally:
        target.unlink(missing_ok=True)
    for size, manifest in manifests.items():
        log(f"built {size} in {manifest['built_seconds']} s: {manifest['counts']}")
    infra.psql("VACUUM ANALYZE", database)
    return manifests


def cell(value, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def table(rows: list[Row], manifests: dict, plan: Plan, args, elapsed: float, cache: str) -> str:
    head = (
        f"Boardroom benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"{'--smoke' if args.smoke else '--quick' if args.quick else 'full'} run in "
        f"{elapsed:.0f} s; "
        f"{os.cpu_count()} cores, {memory_gib():.0f} GiB, {platform.python_version()}, "
        f"gunicorn 2 sync workers x {args.instances} instance(s), cache {cache.split('://')[0]}, "
        f"wrk {plan.connections} connections x {plan.seconds:.0f} s"
    )
    columns = ["size", "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries"]
    columns += ["KB", "ratio", "target"]
    body = []
    for row in rows:
        figures = row.figures
        body.append(
            [
                row.size,
                row.scenario,
                cell(figures and figures.rate, ",.0f"),
                cell(figures and figures.p50, ".1f"),
                cell(figures and figures.p95, ".1f"),
                cell(figures and figures.p99, ".1f"),
                cell(figures and figures.errors, "d"),
                cell(figures and figures.queries, "g"),
                cell(figures and figures.kilobytes, ".1f"),
                cell(row.ratio, ".2f"),
                row.verdict,
            ]
        )
    widths = [max(len(str(line[index])) for line in [columns, *body]) for index in range(10)]
    right = {2, 3, 4, 5, 6, 7, 8, 9}

    def render(line) -> str:
        cells = [
            str(value).rjust(widths[index]) if index in right else str(value).ljust(widths[index])
            for index, value in enumerate(line[:10])
        ]
        return "| " + " | ".join(cells) + f" | {line[10]} |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|---|"
    sizes = "; ".join(f"{size}: {manifest['counts']}" for size, manifest in manifests.items())
    missed = sum(1 for row in rows if row.missed())
    foot = f"Targets missed: {missed} of {sum(1 for row in rows if row.verdict)} judged."
    return "\n".join(
        [head, f"Data: {sizes}", "", render(columns), separator, *map(render, body), "", foot]
    )


def row_json(row: Row) -> dict:
    figures = row.figures.__dict__ if row.figures else None
    return {
        "size": row.size,
        "scenario": row.scenario,
        "figures": figures,
        "ratio": row.ratio,
        "verdict": row.verdict,
    }


def memory_gib() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
