"""My actions, reconcile, a meeting's summary and the console cost the same number of queries
with 10 actions as with 5,000. The bulk rows are written directly: this measures reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionItem, ActionStatus, ActionUpdate
from actions.queries import FOLD_SUMMARY_OVER
from meetings import services as meeting_services
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.views import live_url_for
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 11, 16, 0, tzinfo=dt.UTC)
STATUSES = list(ActionStatus.values)


def board_with_actions(cast, count: int) -> tuple[Meeting, Meeting]:
    """Two meetings; `count` actions raised in the first (some finished, some with updates),
    owned in turn by Victor, Greta and the whole board."""
    first = MeetingFactory(board=cast.board, starts_at=START)
    item = AgendaItemFactory(meeting=first, position=1)
    first = meeting_services.meeting_start(meeting=first, actor=cast.alice, at=START)
    meeting_services.meeting_adjourn(
        meeting=first, actor=cast.alice, at=START + dt.timedelta(hours=1)
    )
    second = MeetingFactory(board=cast.board, starts_at=START + dt.timedelta(days=28))
    AgendaItemFactory(meeting=second, position=1)
    second = meeting_services.meeting_start(meeting=second, actor=cast.alice, at=second.starts_at)
    raised = START + dt.timedelta(minutes=10)
    actions = ActionItem.objects.bulk_create(
        ActionItem(
            board=cast.board,
            meeting=first,
            item=item,
            description=f"Action number {n}",
            for_all=n % 3 == 2,
            due_on=dt.date(2024, 1, 1) + dt.timedelta(days=n % 90),
            status=STATUSES[n % len(STATUSES)],
            status_changed_at=raised + dt.timedelta(days=1 + n % 40),
            created_by=cast.alice,
            created_at=raised,
        )
        for n in range(count)
    )
    through = ActionItem.owners.through
    through.objects.bulk_create(
        through(actionitem_id=action.pk, user_id=(cast.victor if n % 3 == 0 else cast.greta).pk)
        for n, action in enumerate(actions)
        if n % 3 != 2
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            at=action.status_changed_at,
            author=cast.sam,
            note="Progress",
            status=action.status if action.status != ActionStatus.OPEN else "",
            previous_status=ActionStatus.OPEN if action.status != ActionStatus.OPEN else "",
        )
        for action in actions
    )
    return Meeting.objects.get(pk=first.pk), Meeting.objects.get(pk=second.pk)


def queries_for(client, path, data=None, headers=None) -> tuple[int, str]:
    client.get(path, data or {}, headers=headers or {})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data or {}, headers=headers or {})
    assert response.status_code == 200, response.status_code
    return len(queries), response.text


PAGES = {
    "my actions": lambda cast, first, second: (
        "victor",
        reverse("actions:my_actions", args=[cast.board.slug]),
        {},
    ),
    "reconcile": lambda cast, first, second: (
        "sam",
        reverse("actions:reconcile", args=[cast.board.slug]),
        {"status": "any"},
    ),
    "reconcile filtered": lambda cast, first, second: (
        "sam",
        reverse("actions:reconcile", args=[cast.board.slug]),
        {"owner": cast.victor.pk, "overdue": "1", "sort": "-meeting"},
    ),
    "summary (meeting page)": lambda cast, first, second: ("nora", second.get_absolute_url(), {}),
    "origin meeting page": lambda cast, first, second: ("nora", first.get_absolute_url(), {}),
    "console": lambda cast, first, second: (
        "alice",
        reverse("meetings:live_console", args=[cast.board.slug, second.pk]),
        {},
    ),
    "action detail": lambda cast, first, second: (
        "nora",
        ActionItem.objects.order_by("pk").first().get_absolute_url(),
        {},
    ),
    "dashboard": lambda cast, first, second: (
        "victor",
        reverse("dashboard", args=[cast.board.slug]),
        {},
    ),
}


def wipe(board) -> None:
    """Remove the meetings and actions of one size before building the next."""
    ActionUpdate.objects.all().delete()
    ActionItem.owners.through.objects.all().delete()
    ActionItem.objects.all().delete()
    Meeting.objects.filter(board=board).update(current_item=None)
    AgendaItem.objects.filter(meeting__board=board).delete()
    Attendance.objects.filter(meeting__board=board).delete()
    Meeting.objects.filter(board=board).delete()


def test_pages_cost_the_same_queries_at_10_and_5000_actions(cast, client_for):
    counts: dict[str, list[int]] = {name: [] for name in [*PAGES, "changed poll"]}
    for size in (10, 5000):
        first, second = board_with_actions(cast, size)
        for name, request_for in PAGES.items():
            who, path, data = request_for(cast, first, second)
            count, text = queries_for(client_for(getattr(cast, who)), path, data)
            counts[name].append(count)
            if name == "summary (meeting page)":
                # Raised in the first meeting, finished (if at all) after it opened: every
                # action is in the second meeting's summary, in one group or another; a long
                # one folded, its groups counted and none of its entries sent.
                if size <= FOLD_SUMMARY_OVER:
                    assert text.count('id="summary-action-') == size
                else:
                    assert text.count('id="summary-action-') == 0
                    assert f"{size:,} actions" in text
        member, path = client_for(cast.victor), live_url_for(second)  # logged in before counting
        with CaptureQueriesContext(connection) as queries:
            response = member.get(path, {"v": 0})
        assert response.status_code == 200
        counts["changed poll"].append(len(queries))
        wipe(cast.board)
    assert {name: found[0] for name, found in counts.items()} == {
        name: found[1] for name, found in counts.items()
    }, counts
    assert max(found[0] for found in counts.values()) <= 25, counts
