"""The registry through which apps built on meetings add to its pages, with a test-only app.

The "widgets" app below registers one of each kind: a section under each agenda item, a section
for the meeting, a console panel and a parser for lines starting "Widget". Its templates are
Template objects, which `{% include %}` accepts as readily as names.
"""

import json
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.template import Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import registry, services
from meetings.errors import DomainError
from meetings.models import Meeting, Note
from meetings.views import live_url_for
from tests.meetings.factories import AgendaItemFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ITEM_TEMPLATE = Template(
    '<p class="widget-section">Widgets: {% for w in section %}{{ w }}{% if not forloop.last %}, '
    "{% endif %}{% endfor %}{% if may_record %} (recorder){% endif %}</p>"
)
MEETING_TEMPLATE = Template(
    '<section class="widget-summary"><h2>{{ section.title }}</h2></section>'
)
PANEL_TEMPLATE = Template(
    '<h2>Widget panel</h2><p class="widget-panel">Under {{ panel.item }}; '
    "{{ panel.state|default:'no state' }}</p>"
)


class WidgetError(DomainError):
    pass


@pytest.fixture
def widgets():
    """A test-only app: widgets stored in a dict by item id, registered like a real app."""
    store: dict[int, list[str]] = {}
    calls = {"item_loads": 0, "lines": []}

    @registry.item_section(order=5, name="widgets", template=ITEM_TEMPLATE)
    def widgets_by_item(viewer, items):
        calls["item_loads"] += 1
        Note.objects.filter(item__in=items).exists()  # a real app's one query for all items
        return {item.pk: store.get(item.pk, []) for item in items}

    @registry.meeting_section(order=5, name="widgets", template=MEETING_TEMPLATE)
    def widget_summary(viewer):
        count = sum(len(found) for found in store.values())
        return {"title": f"{count} widgets in all"} if count else None

    @registry.console_panel(order=5, name="widgets", template=PANEL_TEMPLATE)
    def widget_panel(console):
        return {"item": console.current_item, "state": console.state.get("widgets", "")}

    @registry.line_parser(order=5, name="widgets")
    def widget_line(line):
        calls["lines"].append(line)
        match = re.match(r"Widget(?: (?P<size>\w+))?: (?P<what>.+)", line.text)
        if match is None:
            return None
        if match["what"] == "forbidden":
            raise WidgetError("Widgets may not be forbidden.")
        size = match["size"] or next((r for r in line.resolutions if r.startswith("size=")), "")
        if not size:
            raise registry.LineChoiceNeeded(
                "Which size?", choices=[("size=big", "Big"), ("size=small", "Small")]
            )
        with transaction.atomic():
            services.meeting_lock_for_change(line.meeting)
            store.setdefault(line.item.pk, []).append(f"{match['what']} ({size})")
            services.meeting_changed(meeting=line.meeting)
        return registry.Claimed(saved=f"Widget recorded: {match['what']}")

    yield store, calls
    registry.unregister("widgets")


@pytest.fixture
def meeting(cast):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta)
    return Meeting.objects.get(pk=meeting.pk)


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


def test_sections_appear_under_their_item_and_for_the_meeting(cast, client_for, meeting, widgets):
    store, calls = widgets
    first, second = meeting.items.in_order()
    store[second.pk] = ["sprocket"]
    page = client_for(cast.victor).get(url(meeting, "meeting_detail")).text
    assert page.count('class="widget-section"') == 1
    # Under the second item, not the first.
    assert page.index("Widgets: sprocket") > page.index(f'id="item-{second.pk}"')
    assert "(recorder)" not in page
    assert "1 widgets in all" in page
    assert calls["item_loads"] == 1  # one call for the whole meeting, not one per item


def test_a_section_knows_whether_the_viewer_records(cast, client_for, meeting, widgets):
    store, _ = widgets
    store[meeting.current_item_id] = ["cog"]
    assert "(recorder)" in client_for(cast.alice).get(url(meeting, "meeting_detail")).text


def test_no_registration_means_no_section(cast, client_for, meeting):
    page = client_for(cast.victor).get(url(meeting, "meeting_detail")).text
    assert "widget" not in page


def test_console_shows_registered_panels_with_the_current_item(cast, client_for, meeting, widgets):
    page = client_for(cast.alice).get(url(meeting, "live_console")).text
    assert "Widget panel" in page and "Under Item 1; no state" in page
    assert "Nothing else to record here yet" not in page
    piece = client_for(cast.alice).get(
        url(meeting, "live_console"), {"piece": "panels"}, headers=HTMX
    )
    assert piece.text.lstrip().startswith('<div id="panels"')


def test_console_without_panels_says_so(cast, client_for, meeting, monkeypatch):
    monkeypatch.setattr(registry, "_panels", {})  # whatever apps registered, none here
    page = client_for(cast.alice).get(url(meeting, "live_console")).text
    assert "Nothing else to record here yet" in page


def test_a_claimed_line_is_not_a_note_and_shows_in_the_stream(cast, client_for, meeting, widgets):
    store, calls = widgets
    item = meeting.current_item
    version = meeting.live_version
    response = client_for(cast.alice).post(
        url(meeting, "console_note", item.pk), {"text": "Widget big: gear"}, headers=HTMX
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"meetings:saved": "Widget recorded: gear"}
    assert "Widgets: gear (big)" in response.text  # the item's section is part of the stream
    assert not Note.objects.exists()
    assert store == {item.pk: ["gear (big)"]}
    line = calls["lines"][0]
    assert (line.item.pk, line.text, line.author, line.resolutions) == (
        item.pk,
        "Widget big: gear",
        cast.alice,
        (),
    )
    assert Meeting.objects.get(pk=meeting.pk).live_version == version + 1


def test_an_unclaimed_line_is_a_note_as_before(cast, client_for, meeting, widgets):
    _, calls = widgets
    client_for(cast.alice).post(
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "Victor: Widgets were discussed"},
        headers=HTMX,
    )
    note = Note.objects.get()
    assert (note.speaker.person, note.text) == (cast.victor, "Widgets were discussed")
    assert len(calls["lines"]) == 1


def test_a_parser_asks_and_the_choice_comes_back(cast, client_for, meeting, widgets):
    store, calls = widgets
    path = url(meeting, "console_note", meeting.current_item_id)
    client = client_for(cast.alice)
    asked = client.post(path, {"text": "Widget: gear"}, headers=HTMX)
    assert asked.status_code == 422
    assert "Which size?" in asked.text
    assert 'name="resolve" value="size=small"' in asked.text
    assert "Save as a plain note" in asked.text
    assert ">Widget: gear</textarea>" in asked.text  # the text stays in the box
    assert store == {}
    chosen = client.post(path, {"text": "Widget: gear", "resolve": "size=small"}, headers=HTMX)
    assert chosen.status_code == 200
    assert calls["lines"][-1].resolutions == ("size=small",)
    assert store == {meeting.current_item_id: ["gear (size=small)"]}


def test_a_parser_refusal_is_said_and_the_line_can_be_kept_as_a_note(
    cast, client_for, meeting, widgets
):
    store, _ = widgets
    path = url(meeting, "console_note", meeting.current_item_id)
    client = client_for(cast.alice)
    refused = client.post(path, {"text": "Widget big: forbidden"}, headers=HTMX)
    assert refused.status_code == 422
    assert "Widgets may not be forbidden." in refused.text
    assert "Save as a plain note" in refused.text
    assert store == {} and not Note.objects.exists()
    kept = client.post(path, {"text": "Widget big: forbidden", "speaker": "none"}, headers=HTMX)
    assert kept.status_code == 200
    assert Note.objects.get().text == "Widget big: forbidden"


def test_meeting_changed_tells_the_live_view(cast, meeting, widgets, client_for):
    store, _ = widgets
    path = live_url_for(meeting)
    client = client_for(cast.victor)
    assert client.get(path, {"v": meeting.live_version}).status_code == 204
    with transaction.atomic():
        store[meeting.current_item_id] = ["flange"]
        services.meeting_changed(meeting=meeting)
    changed = client.get(path, {"v": meeting.live_version - 1})
    assert changed.status_code == 200
    assert "Widgets: flange" in changed.text
    assert changed["X-Live-Version"] == str(meeting.live_version)


def test_sections_cost_the_same_queries_for_any_number_of_items(cast, client_for, widgets):
    def queries_for(items: int) -> int:
        meeting = started_meeting(cast.board, with_items=0, actor=cast.alice)
        for position in range(items):
            AgendaItemFactory(meeting=meeting, position=position + 1)
            widgets[0][meeting.items.last().pk] = ["cog"]
        client = client_for(cast.victor)
        client.get(url(meeting, "meeting_detail"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(meeting, "meeting_detail")).text
        assert page.count('class="widget-section"') == items
        return len(queries)

    assert queries_for(2) == queries_for(40)


APPS_ON_TOP = ("actions", "motions", "minutes", "budget")


def test_meetings_imports_no_app_built_on_it():
    """meetings/ knows them only through the registry: no import, not even a lazy one."""
    root = Path(__file__).resolve().parents[2] / "meetings"
    pattern = re.compile(rf"^\s*(from|import)\s+({'|'.join(APPS_ON_TOP)})\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if pattern.search(path.read_text())
    ]
    assert offenders == []
