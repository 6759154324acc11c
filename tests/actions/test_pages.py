"""Action pages and endpoints: who may use each, what bad input gets, and what they show."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import ActionItem, ActionStatus, ActionUpdate
from governance.models import AuditEntry
from tests.actions.factories import raise_action
from tests.factories import UserFactory
from tests.meetings.factories import started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def action(cast):
    return raise_action(cast, cast.victor, text="Send the hackathon report")


@pytest.fixture
def superuser(db):
    return UserFactory(
        full_name="Root Admin", email="root@example.org", is_superuser=True, is_staff=True
    )


def url(name, cast, *args):
    return reverse(f"actions:{name}", args=[cast.board.slug, *args])


def endpoints(cast, action, meeting):
    """name -> (method, path, data). Writes carry valid data, so only access decides."""
    return {
        "my_actions": ("GET", url("my_actions", cast), {}),
        "detail": ("GET", url("action_detail", cast, action.pk), {}),
        "update": ("POST", url("action_update", cast, action.pk), {"note": "Progress"}),
        "new": ("GET", url("action_new", cast), {}),
        "new-save": (
            "POST",
            url("action_new", cast),
            {"description": "Book rooms", "owners": [cast.greta.pk]},
        ),
        "reconcile": ("GET", url("reconcile", cast), {}),
        "bulk": (
            "POST",
            url("reconcile_bulk", cast),
            {"actions": [action.pk], "status": "done", "note": "Tidy"},
        ),
        "console-add": (
            "POST",
            url("console_add", cast, meeting.pk),
            {"description": "Book rooms", "for_all": "on"},
        ),
        "console-review": (
            "POST",
            url("console_review", cast, meeting.pk, action.pk),
            {"status": "in_progress", "note": "Started"},
        ),
    }


# Who gets what: 200/302 allowed; 403 a known object they may not change; 404 another board.
ALLOWED = {200, 302}
EXPECTED = {
    # role: {endpoint: expected outcome}
    "anonymous": dict.fromkeys(
        ["my_actions", "detail", "update", "new", "new-save", "reconcile", "bulk", "console-add",
         "console-review"], "login"),
    "outsider": dict.fromkeys(
        ["my_actions", "detail", "update", "new", "new-save", "reconcile", "bulk", "console-add",
         "console-review"], 404),
    "member": {"my_actions": "ok", "detail": "ok", "update": 403, "new": 403, "new-save": 403,
               "reconcile": 403, "bulk": 403, "console-add": 403, "console-review": 403},
    "owner": {"my_actions": "ok", "detail": "ok", "update": "ok", "new": 403, "new-save": 403,
              "reconcile": 403, "bulk": 403, "console-add": 403, "console-review": 403},
    "voting": {"my_actions": "ok", "detail": "ok", "update": 403, "new": 403, "new-save": 403,
               "reconcile": 403, "bulk": 403, "console-add": 403, "console-review": 403},
    "chair": dict.fromkeys(
        ["my_actions", "detail", "update", "new", "new-save", "reconcile", "bulk", "console-add",
         "console-review"], "ok"),
    "secretary": dict.fromkeys(
        ["my_actions", "detail", "update", "new", "new-save", "reconcile", "bulk", "console-add",
         "console-review"], "ok"),
    "superuser": dict.fromkeys(
        ["my_actions", "detail", "update", "new", "new-save", "reconcile", "bulk", "console-add",
         "console-review"], "ok"),
}  # fmt: skip
WHO = {
    "anonymous": None,
    "outsider": "olga",
    "member": "nora",
    "owner": "victor",
    "voting": "greta",
    "chair": "alice",
    "secretary": "sam",
}


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("name", EXPECTED["chair"])
def test_each_endpoint_answers_each_role(cast, client_for, action, superuser, role, name):
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    method, path, data = endpoints(cast, action, meeting)[name]
    user = superuser if role == "superuser" else getattr(cast, WHO[role]) if WHO[role] else None
    before = (ActionItem.objects.count(), ActionUpdate.objects.count())
    client = client_for(user)
    response = client.get(path, data) if method == "GET" else client.post(path, data)
    expected = EXPECTED[role][name]
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif expected == "ok":
        assert response.status_code in ALLOWED, response.content[:500]
    else:
        assert response.status_code == expected
    if method == "POST" and expected != "ok":
        assert (ActionItem.objects.count(), ActionUpdate.objects.count()) == before


def test_another_boards_action_is_404_even_for_its_secretary(cast, client_for):
    from tests.factories import SeatFactory

    theirs = services.action_record(
        board=cast.other_board,
        description="Theirs",
        owners=[cast.olga],
        actor=cast.olga if False else UserFactory(is_superuser=True, email="su@example.org"),
    )
    for path in (
        url("action_detail", cast, theirs.pk),
        url("action_update", cast, theirs.pk),
    ):
        assert client_for(cast.sam).get(path).status_code in (404, 405)
    response = client_for(cast.sam).post(url("action_update", cast, theirs.pk), {"note": "x"})
    assert response.status_code == 404
    del SeatFactory


# -- Bad input: refused with a message, nothing stored ----------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "", "status": ""}, "Write a progress note, or change the status"),
        ({"note": "x", "status": "finished"}, "Select a valid choice"),
        ({"note": "x", "due_on": "next week"}, "Write the due date as a date"),
        ({"note": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_updates_are_refused_with_a_message(cast, client_for, action, data, message):
    response = client_for(cast.victor).post(url("action_update", cast, action.pk), data)
    assert response.status_code == 422
    assert message in response.text
    assert not ActionUpdate.objects.exists()


def test_an_update_to_a_dropped_action_is_refused(cast, client_for, action):
    services.action_update(action=action, actor=cast.sam, status=ActionStatus.DROPPED)
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk), {"note": "Still on it"}
    )
    assert response.status_code == 422
    assert "This action was dropped" in response.text
    assert ActionUpdate.objects.count() == 1


def test_the_secretary_may_reopen_a_dropped_action(cast, client_for, action):
    services.action_update(action=action, actor=cast.sam, status=ActionStatus.DROPPED)
    response = client_for(cast.sam).post(
        url("action_update", cast, action.pk), {"note": "Back on", "status": "open"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_an_owner_may_not_reassign(cast, client_for, action):
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk),
        {"note": "Hand over", "owners_shown": "1", "owners": [cast.greta.pk]},
    )
    # Owners fields from a non-officer are ignored: only the note is recorded.
    assert response.status_code == 302
    assert list(action.owners.all()) == [cast.victor]


def test_the_secretary_reassigns_and_the_history_keeps_both(cast, client_for, action):
    response = client_for(cast.sam).post(
        url("action_update", cast, action.pk),
        {"note": "Greta takes over", "owners_shown": "1", "owners": [cast.greta.pk]},
    )
    assert response.status_code == 302
    assert list(action.owners.all()) == [cast.greta]
    update = ActionUpdate.objects.get()
    assert (update.previous_owners_text, update.owners_text) == ("Victor Voter", "Greta Globex")
    page = client_for(cast.nora).get(url("action_detail", cast, action.pk)).text
    assert "Owners Victor Voter → Greta Globex" in page
    assert "Greta takes over" in page


def test_an_unknown_owner_is_refused(cast, client_for, action):
    response = client_for(cast.sam).post(
        url("action_update", cast, action.pk),
        {"note": "x", "owners_shown": "1", "owners": [cast.olga.pk]},
    )
    assert response.status_code == 422
    assert "Choose owners among the board" in response.text
    assert list(action.owners.all()) == [cast.victor] and not ActionUpdate.objects.exists()


def test_raise_between_meetings_refuses_bad_input(cast, client_for):
    client = client_for(cast.sam)
    for data, message in [
        ({"description": "", "for_all": "on"}, "Say what is to be done."),
        ({"description": "x"}, "Choose who will do it"),
        ({"description": "x", "for_all": "on", "due_on": "2024-02-30"}, "Write the due date"),
    ]:
        response = client.post(url("action_new", cast), data)
        assert response.status_code == 422 and message in response.text
    assert not ActionItem.objects.exists()


# -- My actions ----------------------------------------------------------------------------------


def test_my_actions_lists_mine_and_the_boards_open_first_overdue_marked(cast, client_for):
    today = timezone.localdate()
    later = raise_action(cast, cast.victor, text="Later one", due_on=today + dt.timedelta(days=9))
    late = raise_action(cast, cast.victor, text="Late one", due_on=today - dt.timedelta(days=3))
    everyone = raise_action(cast, for_all=True, text="Everyone one")
    raise_action(cast, cast.greta, text="Greta own")
    done = raise_action(cast, cast.victor, text="Finished one")
    services.action_update(action=done, actor=cast.victor, status=ActionStatus.DONE)
    page = client_for(cast.victor).get(url("my_actions", cast)).text
    assert "Greta own" not in page
    order = [page.index(text) for text in ("Late one", "Later one", "Everyone one", "Finished one")]
    assert order == sorted(order)
    assert "3 open, 1 overdue" in page
    assert "Overdue 3 days" in page
    del later, late, everyone


def test_an_owner_marks_done_in_place(cast, client_for, action):
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk),
        {"view": "row", "note": "", "status": "done"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(
        f'<li class="action-row is-finished" id="action-{action.pk}"'
    )
    assert "Saved: Open → Done" in response.text
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert AuditEntry.objects.filter(action="action.update").count() == 1


def test_progress_in_place_keeps_the_status(cast, client_for, action):
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk),
        {"view": "row", "note": "Draft written", "status": ""},
        headers=HTMX,
    )
    assert response.status_code == 200 and "Saved: Progress noted" in response.text
    assert ActionUpdate.objects.get().note == "Draft written"


def test_an_empty_update_in_place_says_why(cast, client_for, action):
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk), {"view": "row", "note": " "}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Write a progress note" in response.text
    assert not ActionUpdate.objects.exists()


def test_a_repeated_mark_done_click_records_once(cast, client_for, action):
    client = client_for(cast.victor)
    for _ in range(2):
        client.post(
            url("action_update", cast, action.pk), {"view": "row", "status": "done"}, headers=HTMX
        )
    assert ActionUpdate.objects.count() == 1


def test_the_dashboard_card_counts_and_marks_done(cast, client_for, action):
    raise_action(
        cast, cast.victor, text="Overdue", due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug])).text
    assert "Your actions" in page and "2 open" in page and "1 overdue" in page
    response = client_for(cast.victor).post(
        url("action_update", cast, action.pk), {"view": "card", "status": "done"}, headers=HTMX
    )
    assert response.status_code == 200 and f'id="card-action-{action.pk}"' in response.text
    assert "Mark done" not in response.text


# -- Reconcile -----------------------------------------------------------------------------------


def test_reconcile_filters_are_kept_in_the_url_and_sort(cast, client_for):
    today = timezone.localdate()
    raise_action(cast, cast.victor, text="Victor overdue", due_on=today - dt.timedelta(days=2))
    raise_action(cast, cast.victor, text="Victor later", due_on=today + dt.timedelta(days=2))
    raise_action(cast, cast.greta, text="Greta only", due_on=today - dt.timedelta(days=5))
    raise_action(cast, for_all=True, text="Everyone")
    client = client_for(cast.sam)
    page = client.get(url("reconcile", cast), {"owner": cast.victor.pk}).text
    assert "Victor overdue" in page and "Victor later" in page and "Greta only" not in page
    assert f'<option value="{cast.victor.pk}" selected>' in page
    page = client.get(url("reconcile", cast), {"overdue": "1"}).text
    assert "Victor overdue" in page and "Greta only" in page and "Victor later" not in page
    page = client.get(url("reconcile", cast), {"owner": "all"}).text
    assert "Everyone" in page and "Victor overdue" not in page
    page = client.get(url("reconcile", cast), {"sort": "-due"}).text
    assert page.index("Victor later") < page.index("Victor overdue") < page.index("Greta only")
    page = client.get(url("reconcile", cast), {"sort": "due", "owner": cast.victor.pk}).text
    assert (
        f"owner={cast.victor.pk}&amp;status=unfinished&amp;sort=-due" in page
    )  # the column link keeps the filter


def test_reconcile_ignores_nonsense_filters(cast, client_for, action):
    page = client_for(cast.sam).get(
        url("reconcile", cast), {"owner": "²", "meeting": "x", "status": "zz", "sort": "pk;drop"}
    )
    assert page.status_code == 200 and "Send the hackathon report" in page.text


def test_the_secretary_drops_two_at_once_with_one_note(cast, client_for):
    first, second, kept = (raise_action(cast, cast.victor, text=f"A{i}") for i in range(3))
    response = client_for(cast.sam).post(
        url("reconcile_bulk", cast),
        {
            "actions": [first.pk, second.pk],
            "status": "dropped",
            "note": "Overtaken",
            "query": "owner=all",
        },
    )
    assert response.status_code == 302 and response.url.endswith(
        "?owner=all&status=unfinished&sort=due"
    )
    statuses = dict(ActionItem.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "dropped", second.pk: "dropped", kept.pk: "open"}
    assert set(ActionUpdate.objects.values_list("note", flat=True)) == {"Overtaken"}


def test_a_bulk_change_is_all_or_nothing(cast, client_for):
    first, second = (
        raise_action(cast, cast.victor, text="A"),
        raise_action(cast, cast.victor, text="B"),
    )
    services.action_update(action=second, actor=cast.sam, status=ActionStatus.DROPPED)
    response = client_for(cast.sam).post(
        url("reconcile_bulk", cast), {"actions": [first.pk, second.pk], "status": "done"}
    )
    assert response.status_code == 422
    assert "Nothing was changed" in response.text and "This action was dropped" in response.text
    assert ActionItem.objects.get(pk=first.pk).status == "open"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "done"}, "Tick the actions to change first."),
        ({"actions": ["1"], "note": "x"}, "Choose a new status or new owners"),
        ({"actions": ["999999"], "status": "done"}, "not this board"),
        ({"actions": ["abc"], "status": "done"}, "not this board"),
    ],
)
def test_bulk_bad_input_is_refused(cast, client_for, action, data, message):
    data = {key: ([str(action.pk)] if value == ["1"] else value) for key, value in data.items()}
    response = client_for(cast.sam).post(url("reconcile_bulk", cast), data)
    assert response.status_code == 422 and message in response.text
    assert not ActionUpdate.objects.exists()


def test_bulk_reassignment(cast, client_for, action):
    client_for(cast.sam).post(
        url("reconcile_bulk", cast), {"actions": [action.pk], "owner": cast.ivan.pk, "note": "Ivan"}
    )
    assert list(action.owners.all()) == [cast.ivan]


# -- One action ----------------------------------------------------------------------------------


def test_the_origin_is_shown_as_said_and_locked_after_adjournment(cast, client_for):
    from meetings import services as meeting_services

    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    action = raise_action(cast, cast.victor, item=meeting.current_item, text="Write it up")
    meeting_services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    page = client_for(cast.nora).get(url("action_detail", cast, action.pk)).text
    assert f'Raised in <a href="{meeting.get_absolute_url()}' in page
    assert "the wording stays as said" in page
    assert "Its owners, the chair and the secretary keep this action current" in page
    # Updates continue after adjournment; the wording does not change.
    services.action_update(action=action, actor=cast.victor, note="Half done")
    action.refresh_from_db()
    assert action.description == "Write it up" and action.meeting == meeting


def test_the_demo_may_2014_meeting_shows_the_seeds_summary_and_actions(client_for):
    from django.core.management import call_command

    from governance.models import Board, User
    from meetings.models import Meeting

    call_command("demo", no_serve=True)
    call_command("demo", no_serve=True)  # again: nothing is added twice
    board = Board.objects.get()
    may = Meeting.objects.get(board=board, title="May 2014")
    assert ActionItem.objects.filter(meeting=may).count() == 8
    assert ActionItem.objects.filter(meeting__title="April 2014").count() == 4
    page = client_for(User.objects.get(full_name="Don Dugger")).get(may.get_absolute_url()).text
    summary = page[page.index('class="record-section action-summary"') :]
    summary = summary[: summary.index("</section>")]
    for group, text in [
        ("summary-in_progress", "share a template and example for a Analysts Presentation"),
        ("summary-in_progress", "shared with Lars, need to see which can be shared more widely"),
        ("summary-open", "Action Brian:"),
        ("summary-done", "Remove Calxeda from press boilerplate"),
        ("summary-done", "propose a working time-line/project plan"),
    ]:
        block = summary[summary.index(f'class="summary-list {group}"') :]
        assert text in block[: block.index("</ul>")], (group, text)
    assert "summary-dropped" not in summary
    for said in [
        "Action Lars:</strong> Lars to send report from Hackathon",
        "Action Michelle:</strong> Follow up internally within Verizon",
        "Action Sarah:</strong> Sarah to send questions to list",
        "Action All:</strong> interested vendors to get back to Sarah",
    ]:
        assert said in page
    questions = ActionItem.objects.get(description__startswith="Sarah to send questions to list")
    assert questions.status == ActionStatus.DONE
