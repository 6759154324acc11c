"""The audit log in the admin: the secretary reads it (in their own time zone, filtered by board,
actor, kind of record and date, each change field by field); nobody adds, changes or deletes."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import AuditEntry

pytestmark = pytest.mark.django_db

AT = dt.datetime(2024, 5, 15, 15, 0, tzinfo=dt.UTC)
LIST = reverse("admin:governance_auditentry_changelist")


@pytest.fixture
def secretary(cast, client_for):
    """Sam has admin access (staff), not every permission."""
    cast.sam.is_staff = True
    cast.sam.timezone = "America/Los_Angeles"
    cast.sam.save()
    return client_for(cast.sam)


@pytest.fixture
def superuser(cast, client_for):
    cast.alice.is_staff = True
    cast.alice.is_superuser = True
    cast.alice.timezone = "Europe/London"
    cast.alice.save()
    return client_for(cast.alice)


def entry_at(cast, at=AT, **kwargs):
    """An entry written at `at` (entries are append-only: the time is set as it is written)."""
    kwargs.setdefault("board", cast.board)
    kwargs.setdefault("actor", cast.sam)
    return AuditEntry.objects.create(
        board=kwargs["board"],
        actor=kwargs["actor"],
        action=kwargs.get("action", "seat.update"),
        target_type=kwargs.get("target_type", "governance.seat"),
        target_id="1",
        summary=kwargs.get("summary", "Changed the seat Victor Voter."),
        changes=kwargs.get("changes", {"ends_on": [None, "2024-06-30"]}),
        at=at,
    )


def test_secretary_reads_the_log_with_times_in_their_own_zone(cast, secretary, superuser):
    entry_at(cast)
    page = secretary.get(LIST)
    assert page.status_code == 200
    assert "Wed 15 May 2024, 08:00 PDT" in page.text
    assert "Changed the seat Victor Voter." in page.text
    assert "Seat" in page.text  # the kind of record, in words
    # The same entry read by someone in London: rendered as read, not frozen by the actor.
    assert "Wed 15 May 2024, 16:00 BST" in superuser.get(LIST).text


def test_change_page_shows_each_field_before_and_after(cast, secretary):
    made = entry_at(cast, changes={"ends_on": [None, "2024-06-30"], "is_active": [True, False]})
    page = secretary.get(reverse("admin:governance_auditentry_change", args=[made.pk]))
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "<th scope='row'>ends on</th><td>(empty)</td><td>2024-06-30</td>" in text
    assert "<th scope='row'>is active</th><td>yes</td><td>no</td>" in text
    assert "Save" not in page.text.replace("Saved", "")


def test_change_page_names_people_and_choices_as_they_read(cast, secretary):
    made = entry_at(
        cast,
        target_type="governance.seat",
        changes={"person_id": [None, cast.victor.pk], "role": [None, "voting"]},
    )
    page = secretary.get(reverse("admin:governance_auditentry_change", args=[made.pk]))
    text = " ".join(page.text.split())
    assert "<th scope='row'>person</th><td>(empty)</td><td>Victor Voter</td>" in text
    assert "<td>Voting representative</td>" in text


def test_change_page_values_are_escaped(cast, secretary):
    made = entry_at(cast, changes={"full_name": ["<b>Eve</b>", "<script>x</script>"]})
    page = secretary.get(reverse("admin:governance_auditentry_change", args=[made.pk]))
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"ours", "other board", "by alice", "person", "last year"}),
        ({"board__id__exact": "BOARD"}, {"ours", "by alice", "person", "last year"}),
        ({"actor__id__exact": "ALICE"}, {"by alice"}),
        ({"kind": "governance.user"}, {"person"}),
        ({"at__year": "2024"}, {"ours", "other board", "by alice", "person"}),
        ({"at__year": "2023"}, {"last year"}),
        (
            {"at__gte": "2024-05-15 00:00:00+00:00", "at__lt": "2024-05-16 00:00:00+00:00"},
            {"ours", "other board", "by alice", "person"},
        ),
    ],
)
def test_filters_by_board_actor_kind_of_record_and_date(cast, secretary, query, expected):
    entry_at(cast, summary="ours")
    entry_at(cast, board=cast.other_board, summary="other board")
    entry_at(cast, actor=cast.alice, summary="by alice")
    entry_at(cast, target_type="governance.user", summary="person")
    entry_at(cast, at=AT - dt.timedelta(days=365), summary="last year")
    replace = {"BOARD": str(cast.board.pk), "ALICE": str(cast.alice.pk)}
    query = {key: replace.get(value, value) for key, value in query.items()}
    page = secretary.get(LIST, query)
    assert page.status_code == 200
    shown = {row.summary for row in page.context["cl"].result_list}
    assert shown == expected


def test_a_member_without_admin_access_cannot_read_the_log(cast, client_for):
    made = entry_at(cast)
    for who in (cast.victor, cast.alice, cast.nora):
        client = client_for(who)
        assert client.get(LIST).status_code == 302
        change = reverse("admin:governance_auditentry_change", args=[made.pk])
        assert client.get(change).status_code == 302


def test_anonymous_visitor_is_sent_to_login(cast, client):
    assert client.get(LIST).status_code == 302


@pytest.mark.parametrize("who", ["secretary", "superuser"])
def test_nobody_adds_changes_or_deletes_entries(cast, request, who):
    client = request.getfixturevalue(who)
    made = entry_at(cast)
    before = list(AuditEntry.objects.values_list("id", "summary", "changes"))
    assert client.get(reverse("admin:governance_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:governance_auditentry_add"), {"summary": "x"}).status_code == 403
    )
    change = reverse("admin:governance_auditentry_change", args=[made.pk])
    assert client.post(change, {"summary": "Rewritten"}).status_code == 403
    delete = reverse("admin:governance_auditentry_delete", args=[made.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        LIST, {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert list(AuditEntry.objects.values_list("id", "summary", "changes")) == before


def test_bad_filter_input_is_no_500(cast, secretary):
    entry_at(cast)
    for query in (
        {"board__id__exact": "not-a-number"},
        {"at__gte": "yesterday"},
        {"kind": "<script>"},
        {"actor__id__exact": "99999"},
    ):
        assert secretary.get(LIST, query).status_code in (200, 302), query


def test_the_log_costs_the_same_queries_whatever_its_length(cast, secretary):
    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert secretary.get(LIST).status_code == 200
        return len(captured)

    people = [cast.alice, cast.sam, cast.victor]
    boards = [cast.board, cast.other_board]
    for index in range(3):
        entry_at(cast, actor=people[index % 3], board=boards[index % 2])
    small = count_queries()
    for index in range(40):
        entry_at(
            cast,
            actor=people[index % 3],
            board=boards[index % 2],
            target_type=["governance.seat", "governance.user", "governance.board"][index % 3],
            at=AT - dt.timedelta(days=index * 20),
        )
    assert count_queries() == small
