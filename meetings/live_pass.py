"""The live poll's pass: a poll answered in one query (and a changed one in one cache read more),
with every check still made.

A member's page polls `/b/<board>/meetings/<id>/live/?v=<version>` every few seconds for the
whole meeting. Signed in the ordinary way, each poll loads the session, the user, the second
factor's device, the meeting and the seats: five queries to answer "nothing new" (issue 13 asks
for one, issue 14 for a rate near the bare control).

So when the full poll (the view) has signed a person in and found them seated, it also sets a
pass: a signed cookie, scoped to that one poll URL, naming the user, the session it was issued
to, that session's password hash, the second-factor device and the zone whose date decides the
seat. The next unchanged polls are answered here, before the session and the user are loaded,
by one query that asks everything the full path asks:

- the session still exists and has not expired (a logout or a password change ends it);
- the user is active and their password hash still matches the one the session was signed in
  with (a password change in another session ends it here too);
- the second-factor device the session gave is still theirs;
- they still hold a seat on the board today, or are a superuser (as `acting_standing`);
- the meeting's version and status;
- what decides which record this person sees: their time zone (else the board's) and whether
  they may record the meeting (a secretary's or chair's seat today, the meeting's chair and
  minute taker), read afresh on every poll, never carried in the pass.

The query is the ORM's (`_checks_query`, the one definition), compiled once per process with
stand-in values and sent as SQL with each poll's values in their place: building its seven
subqueries afresh took most of an unchanged poll's time (5.9 ms a poll in one process, 1.1 ms
compiled once, on the demo board).

Unchanged: 204 (286 once adjourned). Changed: the answer prepared for every member who sees
the same record (meetings/live_record.py: only the blocks that changed since the page's
version), read from the shared cache. Anything else (no pass, a bad or stale one, a failed
check, a changed version whose answer is not prepared yet, a probe) falls through to the view,
which answers in full: a login redirect, a 404, or the record, which it prepares for the
others. Nothing is kept in a process's memory, so any number of workers agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import signing
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from governance.compiled import CompiledQuery
from governance.models import Role, Seat, User
from meetings import live_record
from meetings.access import records
from meetings.models import Meeting, MeetingStatus

COOKIE = "live_pass"
SALT = "meetings.live-pass"
# How long a pass lasts before the full poll issues a new one: a meeting's length, give or
# take. Every check is made on every poll whatever the age; the limit bounds a stolen cookie.
MAX_AGE = dt.timedelta(hours=4)
# htmx's convention for "stop polling" (as the view answers once the meeting is adjourned).
STOP_POLLING = 286
POLL_PATH = re.compile(r"^/b/(?P<slug>[-\w]+)/meetings/(?P<meeting>\d+)/live/$")
# django-otp keeps the device the session's second factor came from under this key.
DEVICE_ID_SESSION_KEY = "otp_device_id"


def _session_digest(session_key: str) -> str:
    """The pass names its session by a digest, so the cookie never repeats the session id."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def issue(request: HttpRequest, response: HttpResponse, meeting: Meeting) -> None:
    """Set the pass on a full poll's answer to a person it found seated (or a superuser)."""
    session = request.session
    if not session.session_key or SESSION_KEY not in session:
        return
    payload = {
        "u": int(session[SESSION_KEY]),
        "s": _session_digest(session.session_key),
        "h": session.get(HASH_SESSION_KEY, ""),
        "b": session.get(BACKEND_SESSION_KEY, ""),
        "d": session.get(DEVICE_ID_SESSION_KEY, ""),
        "m": meeting.pk,
        "z": timezone.get_current_timezone_name(),
    }
    response.set_cookie(
        COOKIE,
        signing.dumps(payload, salt=SALT, compress=True),
        max_age=int(MAX_AGE.total_seconds()),
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _read(request: HttpRequest, meeting_id: int) -> dict | None:
    value = request.COOKIES.get(COOKIE)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not value or not session_key:
        return None
    try:
        payload = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if (
        not isinstance(payload, dict)
        or payload.get("m") != meeting_id
        or not constant_time_compare(payload.get("s", ""), _session_digest(session_key))
    ):
        return None
    payload["session_key"] = session_key
    return payload


def _device_exists(persistent_id: str, user_id: int):
    """An Exists() for the session's second-factor device, or None when it gave none."""
    if not persistent_id:
        return None
    try:
        label, device_id = persistent_id.rsplit("/", 1)
        model = apps.get_model(label)
        return Exists(model.objects.filter(pk=int(device_id), user_id=user_id, confirmed=True))
    except (ValueError, LookupError):
        return Exists(Session.objects.none())


def _today(zone_name: str) -> dt.date:
    try:
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(zone_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate()


def _checks_query(
    *, meeting_id, slug, user_id, session_key, device: str, now: dt.datetime, today: dt.date
):
    """Everything the full poll asks, as one query: the definition of the pass's checks."""
    person = User.objects.filter(pk=user_id, is_active=True)
    seats = Seat.objects.current(today).filter(board=OuterRef("board"), person_id=user_id)
    checks = {
        "session_alive": Exists(
            Session.objects.filter(session_key=session_key, expire_date__gt=now)
        ),
        "password": Subquery(person.values("password")[:1]),
        "superuser": Subquery(person.values("is_superuser")[:1]),
        "seated": Exists(seats),
        # What a changed poll needs to pick the record this person sees: the zone their times
        # are shown in and whether they may record (as meetings.access.can_record decides).
        "person_zone": Subquery(person.values("timezone")[:1]),
        "secretary": Exists(seats.filter(role=Role.SECRETARY)),
        "board_chair": Exists(seats.filter(role=Role.CHAIR)),
    }
    device_check = _device_exists(device, user_id)
    if device_check is not None:
        checks["device"] = device_check
    return (
        Meeting.objects.filter(Q(pk=meeting_id) & Q(board__slug=slug))
        .annotate(**checks)
        .values("live_version", "status", "chair_id", "minute_taker_id", "board__timezone", *checks)
        .order_by()[:1]
    )


def _checks_of_device(*, device_label: str, device_id: int | None = None, **values):
    """`_checks_query` for a device of one kind (its id a value like the others), or none."""
    device = f"{device_label}/{device_id}" if device_label else ""
    return _checks_query(device=device, **values)


# The query above compiled once per process and database (and device kind), with stand-ins for
# the values each poll fills in (governance.compiled): compiling it costs more than running it
# (Django builds the seven subqueries afresh on every call).
_CHECKS = CompiledQuery(
    _checks_of_device,
    meeting_id=2_000_000_011,
    slug="live-pass-stand-in-slug",
    user_id=2_000_000_013,
    session_key="live-pass-stand-in-session",
    now=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    today=dt.date(2001, 2, 5),
    device_id=2_000_000_017,
)


def pass_checks(
    *, meeting_id, slug, user_id, session_key, device: str, now: dt.datetime, today: dt.date
) -> dict | None:
    """The row of `_checks_query` for these values (None when the meeting is not the board's),
    sent as SQL compiled once."""
    values = {
        "meeting_id": meeting_id,
        "slug": slug,
        "user_id": user_id,
        "session_key": session_key,
        "now": now,
        "today": today,
    }
    device_label = ""
    if device:
        label, _, pk = device.rpartition("/")
        try:
            apps.get_model(label)
            device_label, values["device_id"] = label, int(pk)
        except (ValueError, LookupError):
            return None  # a device there cannot be: the full poll decides
    rows = _CHECKS.rows(shape={"device_label": device_label}, **values)
    return rows[0] if rows else None


def answer_poll(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse | None:
    """A poll with a valid pass, answered in one query (plus one cache read when the version
    changed); None when it must go the full way."""
    version = request.GET.get("v")
    if request.method != "GET" or not version or "probe" in request.GET:
        return None
    payload = _read(request, meeting_id)
    if payload is None:
        return None
    user_id = payload["u"]
    row = pass_checks(
        meeting_id=meeting_id,
        slug=slug,
        user_id=user_id,
        session_key=payload["session_key"],
        device=payload["d"],
        now=timezone.now(),
        today=_today(payload["z"]),
    )
    device = row is not None and "device" in row
    if (
        row is None
        or not row["session_alive"]
        or row["password"] is None
        or not (row["seated"] or row["superuser"])
        or (device and not row["device"])
    ):
        return None
    # The session's password hash against the one stored now, as django.contrib.auth does.
    if not constant_time_compare(
        payload["h"], User(pk=user_id, password=row["password"]).get_session_auth_hash()
    ):
        return None
    adjourned = row["status"] == MeetingStatus.ADJOURNED
    if str(row["live_version"]) == version:
        response = HttpResponse(status=STOP_POLLING if adjourned else 204)
    else:
        since = live_record.version_from(version)
        if since is None:
            return None
        zone = live_record.zone_for(row["person_zone"], row["board__timezone"])
        variant = live_record.variant_of(
            zone, timezone.localdate(timezone=zone), _may_record(row, user_id)
        )
        answer = live_record.prepared(meeting_id, since, row["live_version"], variant)
        if answer is None:
            return None  # not prepared yet: the view prepares it, once
        if answer is live_record.PENDING:
            # Being prepared by another request: nothing new yet, ask again next time.
            response = HttpResponse(status=204)
            response["X-Live-Version"] = str(since)
            response["X-Meeting-Status"] = row["status"]
            return response
        response = HttpResponse(answer, status=STOP_POLLING if adjourned else 200)
    response["X-Live-Version"] = str(row["live_version"])
    response["X-Meeting-Status"] = row["status"]
    return response


def _may_record(row: dict, user_id: int) -> bool:
    """meetings.access.can_record, from the pass's row: a secretary of the board, the meeting's
    chair (the board's chair when the meeting names none), or its minute taker; a superuser
    without a seat acts as chair and secretary (governance.access.acting_standing)."""
    if not row["seated"]:
        return bool(row["superuser"])
    return records(
        user_id,
        secretary=row["secretary"],
        board_chair=row["board_chair"],
        chair_id=row["chair_id"],
        minute_taker_id=row["minute_taker_id"],
    )


class UnchangedPollMiddleware:
    """Answers a live poll that carries a valid pass before the session and the user are
    loaded, unchanged or with a prepared answer (see the module's note); lets everything else
    through untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if COOKIE in request.COOKIES:
            match = POLL_PATH.match(request.path_info)
            if match:
                answer = answer_poll(request, match["slug"], int(match["meeting"]))
                if answer is not None:
                    return answer
        return self.get_response(request)
