"""The vote burst (issue 14): every vote holder of a large board votes on one live motion within
the same minute, 64 at a time, while members watch the meeting; then the chair closes it and the
stored votes and the frozen tally are checked against what was sent.

Two halves: `build` runs in the generator (inside Django) and adds a meeting in progress with
every voting representative present and one motion open for a live vote, plus a signed-in
session per voter; `burst` runs in the driver (outside Django) against the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from urllib.parse import urlencode

from bench.load import Client, Figures, Reply, fetch, live_pass_from, percentiles

CHOICES = ("for", "against", "abstain")
# Voters in flight at once, as the issue sets the burst.
CONCURRENCY = 64
TIMEOUT = 60.0
# A vote the burst never sent, having given up once a whole round of votes timed out.
NOT_SENT = 598


# -- Building (in the generator) -------------------------------------------------------------


def sessions_for(people) -> list[str]:
    """One signed-in session per person, written in bulk: what a login stores (the user, the
    backend, the password's hash and the second-factor decision), minus the login itself."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from governance import two_factor

    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows, keys = [], []
    for person in people:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
            HASH_SESSION_KEY: person.get_session_auth_hash(),
            two_factor.STATE_KEY: two_factor.OPTIONAL,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def build(board, *, chair, secretary, representatives, live_meeting) -> dict:
    """A second meeting in progress with every representative present and one live motion open.

    `representatives` is [(person, organisation)]; `live_meeting` is the generator's function that
    makes a meeting in progress (so attendance is recorded the way the rest of the data is).
    """
    from django.urls import reverse

    from governance.models import Role
    from meetings.models import Meeting
    from meetings.views import live_url_for
    from motions import services
    from motions.models import Method
    from motions.services import MotionDetails

    attendees = [(chair, None, Role.CHAIR)] + [
        (person, organisation, Role.VOTING) for person, organisation in representatives
    ]
    meeting, agenda, _attendances = live_meeting(
        board,
        chair=chair,
        minute_taker=secretary,
        attendees=attendees,
        items=1,
        notes=0,
        done=0,
        minutes_ago=10,
    )
    Meeting.objects.filter(pk=meeting.pk).update(title="Benchmark vote")
    meeting.refresh_from_db()
    motion = services.motion_create(
        board=board,
        meeting=meeting,
        item=agenda[0],
        details=MotionDetails(
            text="That the board approves the benchmark budget.", method=Method.LIVE
        ),
        actor=chair,
    )
    motion = services.motion_open(motion=motion, actor=chair)
    slug = board.slug
    return {
        "meeting": meeting.pk,
        "motion": motion.pk,
        "vote": reverse("motions:motion_vote", args=[slug, motion.pk]),
        "close": reverse("motions:motion_act", args=[slug, motion.pk, "close"]),
        "poll": live_url_for(meeting),
        "voters": sessions_for(person for person, _organisation in representatives),
    }


# -- Driving (outside Django) ----------------------------------------------------------------


def stored(database: str, motion: int) -> dict:
    """What the database holds for the motion: current votes by choice, all votes, the units
    that took part, and the tally frozen at closing."""
    import psycopg

    from bench import infra

    with psycopg.connect(infra.database_url(database)) as connection:
        current = dict(
            connection.execute(
                "SELECT choice, count(*) FROM motions_vote "
                "WHERE motion_id = %s AND is_current GROUP BY choice",
                [motion],
            ).fetchall()
        )
        total, units = connection.execute(
            "SELECT count(*), count(DISTINCT unit_key) FILTER (WHERE is_current) "
            "FROM motions_vote WHERE motion_id = %s",
            [motion],
        ).fetchone()
        votes_for, against, abstain, status = connection.execute(
            "SELECT votes_for, votes_against, votes_abstain, status FROM motions_motion "
            "WHERE id = %s",
            [motion],
        ).fetchone()
    return {
        "current": current,
        "total": total,
        "units": units,
        "frozen": {"for": votes_for, "against": against, "abstain": abstain},
        "status": status,
    }


async def _burst(base: str, vote: dict, csrf: str, watchers: int) -> tuple:
    rng = random.Random(2000)
    sent = [rng.choice(CHOICES) for _ in vote["voters"]]
    semaphore = asyncio.Semaphore(CONCURRENCY)
    votes: list[Reply] = []
    polls: list[Reply] = []
    failures: list = []
    done = asyncio.Event()

    gave_up = asyncio.Event()
    timeouts = 0

    async def cast(session: str, choice: str) -> None:
        nonlocal timeouts
        async with semaphore:
            started = time.monotonic()
            if gave_up.is_set():
                # The server fell behind for good: say so rather than wait out every vote.
                votes.append(Reply(NOT_SENT, {}, 0, started, started))
                return
            try:
                reply = await asyncio.wait_for(
                    fetch(
                        Client(base, session, csrf),
                        vote["vote"],
                        method="POST",
                        body=urlencode({"choice": choice}),
                    ),
                    TIMEOUT,
                )
            except (OSError, TimeoutError):
                reply = Reply(599, {}, 0, started, time.monotonic())
                timeouts += 1
                if timeouts >= CONCURRENCY:
                    gave_up.set()
            votes.append(reply)

    async def watch(session: str, offset: float) -> None:
        await asyncio.sleep(offset)
        version, live_pass = "0", ""
        while not done.is_set():
            try:
                reply = await asyncio.wait_for(
                    fetch(
                        Client(base, session, live_pass=live_pass), f"{vote['poll']}?v={version}"
                    ),
                    TIMEOUT,
                )
            except (OSError, TimeoutError) as error:
                failures.append(error)
            else:
                polls.append(reply)
                live_pass = live_pass_from(reply.cookies) or live_pass
                version = reply.headers.get("x-live-version", version)
            await asyncio.sleep(1.0)

    watching = [
        asyncio.create_task(watch(vote["voters"][index % len(vote["voters"])], index / watchers))
        for index in range(watchers)
    ]
    await asyncio.sleep(1.0)  # the watchers are polling before the first vote
    began = time.monotonic()
    await asyncio.gather(
        *(cast(session, choice) for session, choice in zip(vote["voters"], sent, strict=True))
    )
    seconds = time.monotonic() - began
    done.set()
    await asyncio.gather(*watching)
    return sent, votes, polls, failures, seconds


def burst(
    size: str,
    base: str,
    manifest: dict,
    watchers: int,
    control: dict[str, Figures],
    database: str,
    log,
) -> tuple[Figures, dict, list[str]]:
    """Run the burst, close the motion as the chair, and compare what was kept with what was
    sent. Returns the votes' figures, what the database holds, and the problems found."""
    vote = manifest["vote"]
    log(f"{size}: voting, {len(vote['voters']):,} votes, {CONCURRENCY} at a time")
    sent, votes, polls, failures, seconds = asyncio.run(
        _burst(base, vote, manifest["csrf"], watchers)
    )
    chair = Client(base, manifest["sessions"]["chair"], manifest["csrf"])
    closed = asyncio.run(fetch(chair, vote["close"], method="POST", body=""))
    kept = stored(database, vote["motion"])
    p50, p95, p99 = percentiles([reply.ms for reply in votes])
    figures = Figures(
        rate=len(votes) / seconds,
        p50=p50,
        p95=p95,
        p99=p99,
        errors=sum(1 for reply in votes if reply.status >= 400),
        requests=len(votes),
        queries=max((reply.queries for reply in votes), default=None),
        kilobytes=sum(reply.size for reply in votes) / max(1, len(votes)) / 1024,
    )
    wanted = {choice: sent.count(choice) for choice in CHOICES}
    problems = []
    if closed.status >= 400:
        problems.append(f"closing answered {closed.status}")
    if kept["units"] != len(sent) or kept["total"] != len(sent):
        problems.append(f"{kept['total']} votes stored for {len(sent)} sent")
    if {choice: kept["current"].get(choice, 0) for choice in CHOICES} != wanted:
        problems.append(f"stored {kept['current']} for sent {wanted}")
    if kept["frozen"] != wanted:
        problems.append(f"tally {kept['frozen']} for sent {wanted}")
    not_sent = sum(1 for reply in votes if reply.status == NOT_SENT)
    if not_sent:
        problems.append(
            f"gave up after {CONCURRENCY} votes timed out; {not_sent:,} never sent "
            "(the server fell behind)"
        )
    poll_errors = sum(1 for reply in polls if reply.status >= 400) + len(failures)
    if poll_errors:
        problems.append(f"{poll_errors} watcher errors")
    figures.extra = {"sent": wanted, "kept": kept, "polls": len(polls)}
    return figures, kept, problems
