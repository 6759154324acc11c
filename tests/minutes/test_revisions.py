"""Every saved change is a revision; any two compare side by side and as a unified diff that
shows exactly the lines that changed."""

from __future__ import annotations

from minutes import services
from minutes.queries import compare
from tests.minutes.conftest import minutes_url

BASE = "\n".join(f"Line {n}" for n in range(1, 21)) + "\n"


def test_the_diff_shows_exactly_the_changed_lines(cast, client_for, draft):
    services.minutes_revise(minutes=draft, text=BASE, summary="Plain", actor=cast.sam)
    changed = BASE.replace("Line 5\n", "Line five\n").replace("Line 12\n", "") + "Line 21\n"
    services.minutes_revise(minutes=draft, text=changed, summary="Three changes", actor=cast.sam)
    older, newer = draft.revisions.get(number=2), draft.revisions.get(number=3)
    comparison = compare(older, newer)
    assert [(r.kind, r.left, r.right) for r in comparison.changed_rows] == [
        ("replace", "Line 5", "Line five"),
        ("delete", "Line 12", ""),
        ("insert", "", "Line 21"),
    ]
    changes = [
        line
        for line in comparison.unified.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changes == ["-Line 5", "+Line five", "-Line 12", "+Line 21"]
    page = client_for(cast.victor).get(minutes_url(draft, "revision_compare", a=3, b=2))
    assert page.status_code == 200
    assert "3 changed lines" in page.text
    assert "<del>Line 5</del>" in page.text and "<ins>Line five</ins>" in page.text
    assert "<del>Line 12</del>" in page.text and "<ins>Line 21</ins>" in page.text
    assert "<del>Line 4</del>" not in page.text and "<ins>Line 4</ins>" not in page.text


def test_revision_history_names_author_time_and_summary(cast, client_for, draft):
    services.minutes_revise(minutes=draft, text=BASE, summary="Tidied names", actor=cast.alice)
    page = client_for(cast.nora).get(minutes_url(draft, "revision_list"))
    assert page.status_code == 200
    assert "Tidied names" in page.text and "Alice Chair" in page.text
    assert "Generated from the meeting record" in page.text


def test_revisions_are_for_the_board_only(cast, client_for, published):
    assert client_for(None).get(minutes_url(published, "revision_list")).status_code == 403
    assert client_for(cast.olga).get(minutes_url(published, "revision_list")).status_code == 403
    compare_url = minutes_url(published, "revision_compare", a=1, b=1)
    assert client_for(None).get(compare_url).status_code == 403


def test_comparing_needs_two_revision_numbers(cast, client_for, draft):
    for query in ({"a": "1"}, {"a": "x", "b": "1"}, {"a": "١", "b": "1"}):
        response = client_for(cast.sam).get(minutes_url(draft, "revision_compare", **query))
        assert response.status_code == 422 and "Choose two revisions" in response.text
    missing = client_for(cast.sam).get(minutes_url(draft, "revision_compare", a=1, b=99))
    assert missing.status_code == 404


def test_comparing_with_nothing_chosen_shows_the_first_against_the_latest(cast, client_for, draft):
    response = client_for(cast.sam).get(minutes_url(draft, "revision_compare"))
    assert response.status_code == 200
    assert response.context["comparison"].older.number == 1
    assert response.context["comparison"].newer.number == draft.revisions.count()
