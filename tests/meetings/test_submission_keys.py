"""Console adds carry a one-time key, as the budget forms do: the same form sent twice (a double
click, a retried request, five tabs at once) adds one guest or one item."""

import re
import uuid

import pytest
from django.db import connection

from governance.models import AuditEntry
from meetings import services
from meetings.errors import InvalidAgendaChange, NotSeated
from meetings.models import AgendaItem, Attendance
from meetings.services import ItemDetails
from tests.meetings.test_hostile_input import HTMX, url
from tests.meetings.test_text_limits import meeting  # noqa: F401 - the started meeting fixture
from tests.motions.test_concurrency import race

KEY = re.compile(r'name="submission" value="([0-9a-f-]{36})"')


def test_the_console_forms_carry_a_fresh_key_after_each_add(cast, client_for, meeting):  # noqa: F811
    client = client_for(cast.alice)
    page = client.get(url(meeting, "live_console")).text
    keys = KEY.findall(page)
    assert len(keys) == 2  # the guest form and the add-item form
    response = client.post(
        url(meeting, "console_guest"), {"name": "Gus", "submission": keys[0]}, headers=HTMX
    )
    assert response.status_code == 200
    assert KEY.findall(response.text) and KEY.findall(response.text)[0] != keys[0]


@pytest.mark.parametrize(
    ("endpoint", "data", "model"),
    [
        ("console_guest", {"name": "Gus Guest", "organisation": "Umbrella"}, Attendance),
        ("console_add_item", {"title": "AOB", "kind": "discussion"}, AgendaItem),
    ],
)
def test_the_same_form_sent_twice_adds_once(cast, client_for, meeting, endpoint, data, model):  # noqa: F811
    client = client_for(cast.alice)
    before, audited = model.objects.count(), AuditEntry.objects.count()
    data = {**data, "submission": str(uuid.uuid4())}
    first = client.post(url(meeting, endpoint), data, headers=HTMX)
    again = client.post(url(meeting, endpoint), data, headers=HTMX)
    assert (first.status_code, again.status_code) == (200, 200)
    assert model.objects.count() == before + 1
    assert AuditEntry.objects.count() == audited + 1
    other = client.post(url(meeting, endpoint), {**data, "submission": str(uuid.uuid4())})
    assert other.status_code == 302
    assert model.objects.count() == before + 2


def test_a_key_from_another_meetings_form_is_refused(cast, meeting):  # noqa: F811
    from tests.meetings.factories import started_meeting

    key = uuid.uuid4()
    services.attendance_add_guest(
        meeting=meeting, name="Gus", organisation_name="", actor=cast.alice, submission=key
    )
    other = started_meeting(cast.board, with_items=1, actor=cast.alice)
    with pytest.raises(NotSeated, match="another meeting"):
        services.attendance_add_guest(
            meeting=other, name="Gus", organisation_name="", actor=cast.alice, submission=key
        )
    item = services.agenda_item_add(
        meeting=meeting, details=ItemDetails(title="AOB"), actor=cast.alice, submission=key
    )
    with pytest.raises(InvalidAgendaChange, match="another meeting"):
        services.agenda_item_add(
            meeting=other, details=ItemDetails(title="AOB"), actor=cast.alice, submission=key
        )
    assert AgendaItem.objects.filter(submission=key).get() == item


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; parallel posts racing is a PostgreSQL question",
)
def test_five_parallel_adds_with_one_key_make_one_row(cast, meeting):  # noqa: F811
    key = uuid.uuid4()
    guests, errors = race(
        5,
        lambda i: services.attendance_add_guest(
            meeting=meeting, name="Gus", organisation_name="", actor=cast.alice, submission=key
        ),
    )
    assert errors == [] and len({guest.pk for guest in guests}) == 1
    items, errors = race(
        5,
        lambda i: services.agenda_item_add(
            meeting=meeting, details=ItemDetails(title="AOB"), actor=cast.alice, submission=key
        ),
    )
    assert errors == [] and len({item.pk for item in items}) == 1
    assert Attendance.objects.filter(submission=key).count() == 1
    assert AgendaItem.objects.filter(submission=key).count() == 1
