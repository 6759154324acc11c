"""The scenarios of issue 14, each a list of rows for the table, judged against its targets."""

from __future__ import annotations

import asyncio
import collections
import random
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.infra import CpuMeter, log
from bench.load import (
    Client,
    Figures,
    Reply,
    address_of,
    fetch,
    live_pass_from,
    percentiles,
    probe,
    request_bytes,
    send,
    wrk,
)

# Pages read in the reading scenario, by manifest key, with what the table calls them.
PAGES = {
    "dashboard": "dashboard",
    "meetings": "meetings list",
    "meeting": "meeting record",
    "members": "members directory",
    "budget": "budget year",
    "request": "spending request",
    "workbook": "year workbook (.xlsx)",
    "minutes": "minutes",
    "actions": "my actions",
    "motions": "motions list",
}


@dataclass
class Row:
    size: str
    scenario: str
    figures: Figures | None
    ratio: float | None = None
    verdict: str = ""

    def missed(self) -> bool:
        return self.verdict.startswith("MISSED")


@dataclass(frozen=True)
class Plan:
    """How long each part runs: seconds per wrk run, the watching run, how many watchers."""

    seconds: float
    watch_seconds: float
    watchers: int
    connections: int = 32


def judge(checks: list[tuple[bool, str]]) -> str:
    failed = [text for ok, text in checks if not ok]
    return "MISSED: " + "; ".join(failed) if failed else "met"


def measure(client: Client, path: str, plan: Plan, **options) -> Figures:
    """Warm up (and count queries) with probes, then saturate with wrk."""
    first = [probe(client, path, **options) for _ in range(2)][-1]
    if first["status"] >= 400:
        raise SystemExit(f"{path} answered {first['status']} before the load started")
    figures = wrk(client, path, seconds=plan.seconds, connections=plan.connections, **options)
    figures.queries = first["queries"]
    figures.extra["status"] = first["status"]
    figures.extra["encoding"] = first["encoding"]
    figures.extra["vary"] = first["vary"]
    return figures


# -- Controls and reading --------------------------------------------------------------------


def controls(size: str, base: str, manifest: dict, plan: Plan) -> dict[str, Figures]:
    member = Client(base, manifest["sessions"]["member"], manifest["csrf"])
    anonymous = Client(base)
    log(f"{size}: controls")
    return {
        "fortunes": measure(member, "/bench/fortunes/", plan),
        "plain": measure(anonymous, "/bench/fortunes/plain/", plan),
        "insert": measure(member, "/bench/insert/", plan, method="POST", body="x=1"),
    }


def control_rows(size: str, control: dict[str, Figures]) -> list[Row]:
    names = {
        "fortunes": "control: Fortunes, logged in",
        "plain": "control: Fortunes, no session",
        "insert": "control: insert one row (POST)",
    }
    return [Row(size, names[key], figures, 1.0, "") for key, figures in control.items()]


def client_check(
    size: str, base: str, plan: Plan, control: dict[str, Figures], server_pids: list[int] = ()
) -> Row:
    """The paced client, unpaced on the plain control: if it keeps up with wrk there, it is not
    what limits the watching figures."""

    async def run() -> list[Reply]:
        replies: list[Reply] = []
        stop = time.monotonic() + plan.seconds

        address, request = address_of(base), request_bytes(Client(base), "/bench/fortunes/plain/")

        async def loop() -> None:
            while time.monotonic() < stop:
                replies.append(await send(address, request))

        await asyncio.gather(*(loop() for _ in range(plan.connections)))
        return replies

    log(f"{size}: asyncio client against the plain control")
    with CpuMeter(list(server_pids)) as cpu:
        replies = asyncio.run(run())
    log(f"{size}: client check: {cpu.describe()}")
    spent = cpu.summary()
    log(
        f"{size}: client check: CPU a request: client "
        f"{spent['client'] / max(1, len(replies)) * 1000:.2f} ms, "
        f"servers {spent['servers'] / max(1, len(replies)) * 1000:.2f} ms"
    )
    figures = figures_of(replies, plan.seconds)
    figures.extra["cpu"] = cpu.summary()
    ratio = figures.rate / control["plain"].rate
    verdict = judge([(ratio >= 0.8, f"{ratio:.2f} of wrk: the client may be the bottleneck")])
    return Row(size, "client check: asyncio client on the plain control", figures, ratio, verdict)


def reading(
    size: str, base: str, manifest: dict, plan: Plan, control: dict[str, Figures]
) -> list[Row]:
    member = Client(base, manifest["sessions"]["member"], manifest["csrf"])
    rows = []
    for key, label in PAGES.items():
        log(f"{size}: reading {label}")
        try:
            figures = measure(member, manifest["pages"][key], plan)
        except OSError as error:  # a page the server could not answer: the row says so
            rows.append(Row(size, f"reading: {label}", None, None, f"MISSED: {error!r}"))
            continue
        ratio = figures.rate / control["fortunes"].rate
        checks = [
            (ratio >= 0.35, f"{ratio:.2f} of control < 0.35"),
            ((figures.queries or 0) <= 12, f"{figures.queries} queries > 12"),
            (figures.errors == 0, f"{figures.errors} errors"),
        ]
        if key != "workbook":
            checks.append(
                (figures.extra["encoding"] == "gzip", "not compressed"),
            )
        if size == "small":
            checks.append((figures.p95 <= 50, f"p95 {figures.p95:.0f} ms > 50"))
        rows.append(Row(size, f"reading: {label}", figures, ratio, judge(checks)))
    return rows


def growth(small: list[Row], large: list[Row], large_size: str) -> list[Row]:
    """Each page's p95 and queries at the large size against one board."""
    rows = []
    by_name = {row.scenario: row for row in small}
    for row in large:
        before = by_name.get(row.scenario)
        if before is None or before.figures is None or row.figures is None:
            continue
        times = row.figures.p95 / max(before.figures.p95, 0.001)
        figures = Figures(
            rate=row.figures.rate,
            p50=row.figures.p50,
            p95=row.figures.p95,
            p99=row.figures.p99,
            errors=row.figures.errors,
            requests=row.figures.requests,
            queries=row.figures.queries,
            kilobytes=row.figures.kilobytes,
        )
        # Fewer queries at the large size is the data's shape (the demo has no budget year
        # for today, say), not growth.
        verdict = judge(
            [
                (
                    (row.figures.queries or 0) <= (before.figures.queries or 0),
                    f"queries {before.figures.queries} -> {row.figures.queries}",
                ),
                (times <= 1.5, f"p95 x{times:.1f} of one board > 1.5"),
            ]
        )
        name = row.scenario.replace("reading: ", "growth: ")
        rows.append(Row(large_size, f"{name} (p95 x one board)", figures, times, verdict))
    return rows


# -- Watching and the chair writing ----------------------------------------------------------


def unchanged_poll(
    size: str, base: str, manifest: dict, plan: Plan, control: dict[str, Figures]
) -> Row:
    live = manifest["live"]
    answer = probe(Client(base, live["watchers"][0]), live["poll"] + "?v=0&probe=1")
    version = answer["version"]
    # The full poll leaves the pass a browser then sends with every unchanged poll.
    watcher = Client(base, live["watchers"][0], live_pass=answer["live_pass"])
    log(f"{size}: watching, unchanged poll at version {version}")
    figures = measure(watcher, f"{live['poll']}?v={version}", plan)
    # Signed in like every page (issue 13), answered by the pass in one query (session, password,
    # second factor, seat and version at once); compared with the logged-in control.
    ratio = figures.rate / control["fortunes"].rate
    verdict = judge(
        [
            (figures.extra["status"] == 204, f"answered {figures.extra['status']}, not 204"),
            (ratio >= 0.7, f"{ratio:.2f} of logged-in control < 0.7"),
            (
                (figures.queries or 0) <= UNCHANGED_POLL_QUERIES,
                f"{figures.queries} queries > {UNCHANGED_POLL_QUERIES}",
            ),
            (figures.errors == 0, f"{figures.errors} errors"),
        ]
    )
    return Row(size, "watching: unchanged poll, saturated", figures, ratio, verdict)


# A paced request that has not been answered in this long counts as an error.
TIMEOUT = 30.0


# The unchanged poll's queries with the live pass: one (meetings/live_pass.py).
UNCHANGED_POLL_QUERIES = 1


@dataclass
class Watcher:
    session: str
    version: int
    seen: list[tuple[float, int]]  # (when the answer arrived, the version it carried)
    live_pass: str = ""  # kept from the last full poll, as the browser keeps the cookie


async def join(address: tuple[str, int], base: str, poll_path: str, watchers: list[Watcher]):
    """Each member opens the live view: the page's first poll, which goes the full way (the
    session, the user, the seat) and leaves the live pass, spread over one second. The replies,
    and the seconds until the last member had its answer."""
    began = time.monotonic()
    replies: list[Reply] = []
    semaphore = asyncio.Semaphore(256)

    async def first(watcher: Watcher, offset: float) -> None:
        await asyncio.sleep(offset)
        request = request_bytes(Client(base, watcher.session), f"{poll_path}?v={watcher.version}")
        try:
            async with semaphore, asyncio.timeout(TIMEOUT):
                reply = await send(address, request)
        except (OSError, TimeoutError):
            return  # no pass: its first measured poll goes the full way instead
        replies.append(reply)
        watcher.live_pass = live_pass_from(reply.cookies)

    await asyncio.gather(
        *(first(watcher, index / len(watchers)) for index, watcher in enumerate(watchers))
    )
    return replies, time.monotonic() - began


async def watch_and_write(
    watch_base: str, chair_base: str, manifest: dict, plan: Plan, server_pids: list[int] = ()
) -> tuple[list[Reply], list[Reply], dict[str, list[Reply]], list[tuple[float, int]], list]:
    """`plan.watchers` members poll once a second; the chair writes every second.

    First the members open the live view (`join`: each page's first poll, the full way, which
    leaves the live pass a browser keeps); then, measured, they poll once a second while the
    chair records a note every 2 s (at even seconds) and, at the odd seconds between, moves to
    the next item or marks someone's attendance, in turn: the writing scenario runs under the
    watching load, as in a real meeting.
    """
    live = manifest["live"]
    rng = random.Random(14)
    chair = Client(chair_base, manifest["sessions"]["chair"], manifest["csrf"])
    first = Client(watch_base, live["watchers"][0])
    start_version = int(probe(first, live["poll"] + "?v=0&probe=1")["version"])
    watchers = [
        Watcher(live["watchers"][index % len(live["watchers"])], start_version, [])
        for index in range(plan.watchers)
    ]
    unchanged: list[Reply] = []
    changed: list[Reply] = []
    writes: dict[str, list[Reply]] = {"note": [], "attendance": [], "next item": []}
    notes: list[tuple[float, int]] = []  # (when the chair sent it, the version it made)
    failures: list = []
    address = address_of(watch_base)
    joined, join_seconds = await join(address, watch_base, live["poll"], watchers)
    log(
        f"{len(joined)} members opened the live view in {join_seconds:.1f} s "
        f"(first polls, the full way: p50 {percentiles([r.ms for r in joined])[0]:.0f} ms)"
    )
    cpu = CpuMeter(list(server_pids)).__enter__()
    began = time.monotonic()
    stop_at = began + plan.watch_seconds
    # Watchers poll until the chair is done and three seconds more (for the last note to land).
    finish = {"at": float("inf")}
    semaphore = asyncio.Semaphore(256)  # file descriptors, not pacing: stays below ulimit

    async def poll(watcher: Watcher, offset: float) -> None:
        await asyncio.sleep(offset)
        tick = time.monotonic()
        built: tuple[tuple[int, str], bytes] | None = None
        while time.monotonic() < finish["at"]:
            # The request is built again only when what it says changes (the version or the
            # pass): the client's CPU is the server's too, on a machine of two cores.
            if built is None or built[0] != (watcher.version, watcher.live_pass):
                request = request_bytes(
                    Client(watch_base, watcher.session, live_pass=watcher.live_pass),
                    f"{live['poll']}?v={watcher.version}",
                )
                built = ((watcher.version, watcher.live_pass), request)
            try:
                async with semaphore, asyncio.timeout(TIMEOUT):
                    reply = await send(address, built[1])
            except (OSError, TimeoutError) as error:
                failures.append(error)
            else:
                watcher.live_pass = live_pass_from(reply.cookies) or watcher.live_pass
                if reply.status == 204:
                    unchanged.append(reply)
                elif reply.status == 200:
                    changed.append(reply)
                    watcher.version = int(reply.headers["x-live-version"])
                    watcher.seen.append((reply.ended, watcher.version))
                else:
                    failures.append(reply.status)
            # A member whose answer came late polls again at once, then keeps the beat.
            tick = max(tick + 1.0, time.monotonic())
            await asyncio.sleep(max(0.0, tick - time.monotonic()))

    async def post(path: str, body: str) -> Reply:
        started = time.monotonic()
        try:
            return await asyncio.wait_for(fetch(chair, path, method="POST", body=body), TIMEOUT)
        except (OSError, TimeoutError):
            return Reply(599, {}, 0, started, time.monotonic())  # no answer: an error

    async def write() -> None:
        items = live["items"]
        current = items.index(live["current"])
        roll = live["roll"]
        present = dict.fromkeys(roll, True)
        second = 0
        await asyncio.sleep(1.0)  # let every watcher make its first poll
        tick = time.monotonic()
        # Each action at least once (note, next item, note, attendance), however slow the server.
        while time.monotonic() < stop_at - 3 or second < 4:
            if second % 2 == 0:
                body = urlencode({"text": f"Bench note {second}: agreed.", "speaker": "none"})
                path = live["note"].replace("{item}", str(items[current]))
                sent = time.monotonic()
                reply = await post(path, body)
                writes["note"].append(reply)
                if reply.status == 200:
                    notes.append((sent, int(reply.headers["x-live-version"])))
            elif second % 4 == 3 or current + 1 >= len(items):
                person = roll[rng.randrange(len(roll))]
                present[person] = not present[person]
                status = "present" if present[person] else "absent"
                body = urlencode({"person": person, "status": status})
                reply = await post(live["attendance"], body)
                writes["attendance"].append(reply)
            else:
                body = urlencode({"after": items[current]})
                reply = await post(live["next"], body)
                writes["next item"].append(reply)
                if reply.status == 200:
                    current += 1
            second += 1
            tick = max(tick + 1.0, time.monotonic())
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        finish["at"] = max(stop_at, time.monotonic() + 3)

    spread = [index / plan.watchers for index in range(plan.watchers)]
    await asyncio.gather(
        write(), *(poll(watcher, offset) for watcher, offset in zip(watchers, spread, strict=True))
    )
    reach = []
    for sent, version in notes:
        arrivals = []
        for watcher in watchers:
            when = next((at for at, seen in watcher.seen if seen >= version), None)
            arrivals.append(None if when is None else when - sent)
        reach.append(arrivals)
    elapsed = time.monotonic() - began
    cpu.__exit__()
    return unchanged, changed, writes, notes, [reach, failures, elapsed, cpu, joined]


def figures_of(replies: list[Reply], seconds: float) -> Figures:
    p50, p95, p99 = percentiles([reply.ms for reply in replies])
    errors = sum(1 for reply in replies if reply.status >= 400)
    queries = [reply.queries for reply in replies]
    return Figures(
        rate=len(replies) / seconds,
        p50=p50,
        p95=p95,
        p99=p99,
        errors=errors,
        requests=len(replies),
        queries=max(queries) if queries else None,
        kilobytes=sum(reply.size for reply in replies) / max(1, len(replies)) / 1024,
    )


def watching(
    size: str,
    watch_base: str,
    chair_base: str,
    manifest: dict,
    plan: Plan,
    instances: int,
    server_pids: list[int] = (),
) -> list[Row]:
    log(
        f"{size}: watching, {plan.watchers} members polling for {plan.watch_seconds:.0f} s "
        "while the chair writes"
    )
    unchanged, changed, writes, notes, (reach, failures, seconds, cpu, _joined) = asyncio.run(
        watch_and_write(watch_base, chair_base, manifest, plan, server_pids)
    )
    log(f"{size}: watching: {cpu.describe()}")
    spent, count = cpu.summary(), max(1, len(unchanged) + len(changed))
    log(
        f"{size}: watching: CPU a poll: client {spent['client'] / count * 1000:.2f} ms, "
        f"servers {spent['servers'] / count * 1000:.2f} ms, "
        f"postgres {spent['others'].get('postgres', 0) / count * 1000:.2f} ms"
    )
    answered = collections.Counter((reply.status, reply.queries) for reply in unchanged + changed)
    log(f"{size}: watching: polls by (status, queries): {dict(answered.most_common(8))}")
    polls = figures_of(unchanged + changed, seconds)
    polls.extra["cpu"] = cpu.summary()
    polls.errors += len(failures)
    offered = plan.watchers
    rows = [
        Row(
            size,
            f"watching: {plan.watchers} members polling (paced, 1/s each)",
            polls,
            None,
            judge(
                [
                    (polls.rate >= 0.9 * offered, f"{polls.rate:.0f}/s of {offered}/s offered"),
                    (polls.errors == 0, f"{polls.errors} errors"),
                ]
            ),
        )
    ]
    per_change = figures_of(changed, seconds)
    # The typical watcher's cost: the first poll per time zone renders (and costs more), the
    # rest are served the shared render.
    per_change.queries = (
        statistics.median([reply.queries for reply in changed]) if changed else None
    )
    rows.append(
        Row(
            size,
            "watching: changed poll (cost per watcher per change)",
            per_change,
            None,
            judge(
                [
                    ((per_change.queries or 0) <= 2, f"{per_change.queries} queries > 2"),
                    (
                        (per_change.kilobytes or 0) <= 4,
                        f"{per_change.kilobytes:.0f} KB a change > 4",
                    ),
                ]
            ),
        )
    )
    worst = []
    missing = 0
    for arrivals in reach:
        known = [value for value in arrivals if value is not None]
        missing += len(arrivals) - len(known)
        if known:
            worst.append(max(known) * 1000)
    p50, p95, p99 = percentiles(worst)
    where = "on the other instance " if instances > 1 else ""
    reach_figures = Figures(
        rate=len(notes) / seconds, p50=p50, p95=p95, p99=p99, errors=missing, requests=len(notes)
    )
    rows.append(
        Row(
            size,
            f"watching: note reaches every watcher {where}(ms, worst per note)",
            reach_figures,
            None,
            judge(
                [
                    (bool(notes), "no note was recorded"),
                    (not worst or max(worst) <= 2000, f"worst {max(worst or [0]):.0f} ms > 2000"),
                    (missing == 0, f"{missing} watcher-notes never arrived"),
                ]
            ),
        )
    )
    if instances > 1:
        rows.append(both_instances_agree(size, [watch_base, chair_base], manifest, writes))
    for action, replies in writes.items():
        figures = figures_of(replies, seconds)
        figures.queries = max((reply.queries for reply in replies), default=None)
        rows.append(
            Row(
                size,
                f"chair writing: {action}, under the watching load",
                figures,
                None,
                judge(
                    [
                        (bool(replies), "never ran"),
                        ((figures.queries or 0) <= 10, f"{figures.queries} statements > 10"),
                        (figures.p95 <= 50, f"p95 {figures.p95:.0f} ms > 50"),
                        (figures.errors == 0, f"{figures.errors} errors"),
                    ]
                ),
            )
        )
    return rows


def both_instances_agree(size: str, bases: list[str], manifest: dict, writes) -> Row:
    """After the chair's last write (to one server), every server answers its version."""
    last = max(
        (
            int(reply.headers.get("x-live-version", 0))
            for replies in writes.values()
            for reply in replies
        ),
        default=0,
    )
    path = manifest["live"]["poll"] + "?v=0&probe=1"
    watcher = manifest["live"]["watchers"][0]
    started = time.monotonic()
    versions = []
    while time.monotonic() - started < 2:
        versions = [int(probe(Client(base, watcher), path)["version"] or 0) for base in bases]
        if min(versions) >= last:
            break
        time.sleep(0.05)
    waited = (time.monotonic() - started) * 1000
    figures = Figures(rate=0, p50=waited, p95=waited, p99=waited, errors=0, requests=len(bases))
    verdict = judge([(min(versions) >= last, f"versions {versions}, chair wrote {last}")])
    return Row(size, "instances: each server shows the chair's last change", figures, None, verdict)


def vote_burst(
    size: str, base: str, manifest: dict, plan: Plan, control: dict[str, Figures], database: str
) -> Row:
    """Every vote holder votes on one live motion, 64 at a time, while members watch; then
    the chair closes it and the kept votes and the tally are compared with what was sent."""
    from bench import voting

    figures, _kept, problems = voting.burst(
        size, base, manifest, plan.watchers, control, database, log
    )
    ratio = figures.rate / control["insert"].rate
    checks = [(False, problem) for problem in problems] + [
        (figures.errors == 0, f"{figures.errors} errors"),
        (figures.p95 <= 150, f"p95 {figures.p95:.0f} ms > 150"),
        (ratio >= 0.35, f"{ratio:.2f} of the insert control < 0.35"),
        ((figures.queries or 0) <= 8, f"{figures.queries} statements > 8"),
    ]
    return Row(size, "voting: vote burst", figures, ratio, judge(checks))
