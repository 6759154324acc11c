"""What a member's live view costs the server: time and queries per poll.

    uv run python bench/live_poll.py

Builds a throwaway SQLite database (or a test_ database on DATABASE_URL's server), a board with a
meeting in progress (60 items, 20 notes each), then measures, through Django's full middleware
stack as a browser would hit it:
  - an unchanged poll (the common case: every member, every second),
  - a changed poll from no version (the whole record: rendered once, then from the cache),
  - a changed poll from the version before a note (the pass and the prepared answer: the note),
  - the console's probe (version only).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="boardroom-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = 300


def main() -> None:
    setup_test_environment()
    from django.conf import settings
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        measure()
    finally:
        runner.teardown_databases(old)


def timed(call, rounds: int) -> tuple[float, int]:
    """Median milliseconds per call, and the queries of one call."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        call()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), len(queries)


def measure() -> None:
    from django.core.cache import cache

    from meetings import services
    from meetings.models import Meeting
    from meetings.views import live_url_for
    from tests.conftest import make_cast
    from tests.meetings.factories import AgendaItemFactory, NoteFactory, attend, started_meeting

    cast = make_cast()
    meeting = started_meeting(cast.board, with_items=0, actor=cast.alice)
    speakers = attend(meeting, cast.victor, cast.greta, cast.alan, cast.nora, actor=cast.alice)
    for position in range(60):
        item = AgendaItemFactory(meeting=meeting, position=position + 1)
        NoteFactory.create_batch(20, item=item, author=cast.sam, speaker=speakers[position % 4])
    services.agenda_item_open(item=item, actor=cast.alice)
    meeting = Meeting.objects.get(pk=meeting.pk)
    url = live_url_for(meeting)
    client = Client()
    client.force_login(cast.victor)  # the live view signs in like every page

    def unchanged():
        response = client.get(url, {"v": meeting.live_version})
        assert response.status_code == 204, response.status_code

    def changed():
        response = client.get(url, {"v": 0})
        assert response.status_code == 200, response.status_code

    def changed_uncached():
        cache.clear()
        changed()

    def probe():
        response = client.get(url, {"v": 0, "probe": "1"})
        assert response.status_code == 200, response.status_code

    print(f"Live poll on {connection.vendor}: meeting of 60 items x 20 notes, {ROUNDS} rounds")
    for label, call, rounds in (
        ("unchanged poll (204, no body)", unchanged, ROUNDS),
        ("console probe (version only)", probe, ROUNDS),
        ("changed poll, first member (renders)", changed_uncached, 20),
        ("changed poll, other members (cached)", changed, ROUNDS),
    ):
        median, queries = timed(call, rounds)
        print(f"  {label:<36} {median:8.2f} ms median   {queries:2d} queries")

    # Another member, whose page shows the version before the chair's next note.
    watcher = Client()
    watcher.force_login(cast.greta)
    watcher.get(url, {"v": 0})  # the page's first poll: the whole record, and the live pass
    before = Meeting.objects.get(pk=meeting.pk).live_version
    services.note_record(item=item, text="A new point for the record.", author=cast.alice)
    client.get(url, {"v": before})  # the first member to poll prepares it for the others
    meeting = Meeting.objects.get(pk=meeting.pk)
    sizes = {}

    def changed_by_a_note():
        response = watcher.get(url, {"v": before})
        assert response.status_code == 200, response.status_code
        sizes["note"] = len(response.content)

    median, queries = timed(changed_by_a_note, ROUNDS)
    label = "changed poll, a note (pass, prepared)"
    print(f"  {label:<36} {median:8.2f} ms median   {queries:2d} queries")
    whole = len(client.get(url, {"v": 0}).content)
    print(f"  a new note's answer: {sizes['note']:,} bytes; the whole record: {whole:,} bytes")
    unchanged_ms, _ = timed(unchanged, ROUNDS)
    print(
        f"  => one worker answers ~{1000 / unchanged_ms:,.0f} unchanged polls a second, "
        f"i.e. ~{1000 / unchanged_ms:,.0f} members polling once a second"
    )


if __name__ == "__main__":
    main()
