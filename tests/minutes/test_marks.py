"""Confidentiality marks in the minutes' Markdown: read, honoured, and failing closed."""

from __future__ import annotations

import datetime as dt

import pytest

from minutes.disclosure import BOARD, PUBLIC, problems, public_markdown, render_html
from minutes.generate import safe_text

ENDS = dt.datetime(2030, 6, 3, tzinfo=dt.UTC)
BEFORE, AFTER = ENDS - dt.timedelta(seconds=1), ENDS

TEXT = """# Minutes

Open words.

::: embargoed until 2030-06-03T00:00+00:00
Embargoed words.
:::

::: board only
Secret words.
:::

Attendee {{embargoed until 2030-06-03T00:00+00:00 | (Zenith)}} and {{board only | hidden}} here.
"""


def test_public_text_leaves_out_what_is_not_yet_public():
    before = public_markdown(TEXT, BEFORE)
    assert "Open words." in before
    assert "Embargoed" not in before and "Secret" not in before and "Zenith" not in before
    assert "hidden" not in before and ":::" not in before and "{{" not in before
    after = public_markdown(TEXT, AFTER)
    assert "Embargoed words." in after and "(Zenith)" in after
    assert "Secret" not in after and "hidden" not in after


def test_the_boards_html_marks_each_passage():
    html = render_html(TEXT, audience=BOARD, at=BEFORE)
    assert "Embargoed words." in html and "Secret words." in html and "hidden" in html
    assert html.count('class="restricted restricted-warn"') == 2
    assert html.count('class="restricted-inline restricted-inline-warn"') == 2
    assert "Embargoed until" in html and "Board only" in html


@pytest.mark.parametrize(
    "mark",
    [
        "::: embargoed until someday",
        "::: embargoed until 2030-06-03",  # a day without a time zone cannot be placed
        "::: top secret",
    ],
)
def test_a_mark_that_cannot_be_read_keeps_the_passage_inside_the_board(mark):
    text = f"Open.\n\n{mark}\nHidden words.\n:::\n"
    far_future = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    assert "Hidden" not in public_markdown(text, far_future)
    assert problems(text)


def test_an_unclosed_block_runs_to_the_end():
    text = "Open.\n\n::: board only\nHidden.\n\nStill hidden.\n"
    public = public_markdown(text, AFTER)
    assert "Open." in public and "hidden" not in public.lower()
    assert any("never closed" in problem for problem in problems(text))


def test_a_statement_cannot_close_the_block_that_holds_it():
    statement = safe_text("Before\n:::\nAfter the fake close {{board only | x}}")
    text = f"::: board only\n{statement}\n:::\n"
    assert public_markdown(text, AFTER).strip() == ""


def test_raw_html_never_reaches_the_page():
    text = 'Hi <script>alert(1)</script><img src=x onerror="alert(2)"> [a](javascript:alert(3))'
    for audience in (BOARD, PUBLIC):
        html = render_html(text, audience=audience, at=AFTER)
        assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_tables_written_in_notes_render_as_tables():
    text = "| | KVM | Xen |\n|---|---:|---:|\n| May 2014 | 57.2% | 13.4% |\n"
    html = render_html(text, audience=PUBLIC, at=AFTER)
    assert "<table>" in html and "<td>May 2014</td>" in html and "57.2%" in html
