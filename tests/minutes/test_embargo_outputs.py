"""Nothing embargoed or board-only leaves the board: every output, for every kind of reader,
either side of the embargo's end (time frozen)."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from tests.minutes.conftest import (
    AFTER,
    BEFORE,
    BOARD_ONLY_WORDS,
    EMBARGOED_WORDS,
    PUBLIC_WORDS,
    minutes_url,
)

OUTPUTS = ["page", "pdf", "markdown", "feed", "list"]


def read(client, minutes, output: str) -> str:
    slug = minutes.meeting.board.slug
    if output == "page":
        response = client.get(minutes_url(minutes))
    elif output == "pdf":
        response = client.get(minutes_url(minutes, "minutes_pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    elif output == "markdown":
        response = client.get(minutes_url(minutes, "minutes_markdown"))
    elif output == "feed":
        response = client.get(reverse("minutes:minutes_feed", args=[slug]))
    else:
        response = client.get(reverse("minutes:minutes_list", args=[slug]))
    assert response.status_code == 200, (output, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("reader", ["anonymous", "outsider"])
def test_the_public_never_sees_board_only_and_sees_embargoed_only_after(
    cast, client_for, published, output, reader
):
    client = client_for(None if reader == "anonymous" else cast.olga)
    with time_machine.travel(BEFORE, tick=False):
        before = read(client, published, output)
    with time_machine.travel(AFTER, tick=False):
        after = read(client, published, output)
    assert BOARD_ONLY_WORDS not in before and BOARD_ONLY_WORDS not in after
    assert EMBARGOED_WORDS not in before
    assert "New member news" not in before  # not even the item's title
    assert "Embargo" not in before and "Board only" not in before and ":::" not in before
    if output != "list":
        assert PUBLIC_WORDS in before and PUBLIC_WORDS in after
        assert EMBARGOED_WORDS in after
        assert "New member news" in after


@pytest.mark.parametrize("output", ["page", "pdf", "markdown"])
def test_the_board_sees_everything_marked(cast, client_for, published, output):
    with time_machine.travel(BEFORE, tick=False):
        text = read(client_for(cast.nora), published, output)
    for words in (PUBLIC_WORDS, EMBARGOED_WORDS, BOARD_ONLY_WORDS):
        assert words in text
    if output == "markdown":
        assert "::: board only" in text and "::: embargoed until 2030-06-03T01:00+01:00" in text
    else:
        # The PDF sets its marks in capitals.
        assert "board only" in text.lower() and "embargoed until" in text.lower()


def test_after_the_embargo_the_board_sees_it_ended(cast, client_for, published):
    with time_machine.travel(AFTER, tick=False):
        text = read(client_for(cast.victor), published, "page")
    assert "Embargo ended" in text and "Embargoed until" not in text


def test_the_public_list_shows_only_published_minutes_and_no_counts(
    cast, client_for, published, draft
):
    from tests.meetings.factories import MeetingFactory

    other = MeetingFactory(board=cast.board, title="Secret Meeting", status="adjourned")
    assert other  # an adjourned meeting without minutes: officers see it, nobody else
    text = read(client_for(None), published, "list")
    assert "Minutes of March 2024" in text
    assert "Secret Meeting" not in text and "Draft" not in text
    board_text = read(client_for(cast.sam), published, "list")
    assert "Secret Meeting" in board_text


def test_unpublished_minutes_are_not_public(cast, client_for, approved):
    for name in ("minutes_detail", "minutes_pdf", "minutes_markdown"):
        assert client_for(None).get(minutes_url(approved, name)).status_code == 404
        assert client_for(cast.olga).get(minutes_url(approved, name)).status_code == 404
    feed = client_for(None).get(reverse("minutes:minutes_feed", args=[cast.board.slug]))
    assert "March 2024" not in feed.text


def test_a_board_that_keeps_minutes_private_asks_visitors_to_log_in(cast, client_for, published):
    cast.board.minutes_public = False
    cast.board.save(update_fields=["minutes_public"])
    response = client_for(None).get(minutes_url(published))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(cast.olga).get(minutes_url(published)).status_code == 404
    feed = client_for(None).get(reverse("minutes:minutes_feed", args=[cast.board.slug]))
    assert feed.status_code == 404


def test_an_embargoed_organisation_is_named_only_inside_the_board(cast, client_for, meeting):
    import datetime as dt

    from minutes import services
    from tests.minutes.conftest import EMBARGO_ENDS

    acme = cast.victor.seats.get().organisation
    acme.embargo_until = EMBARGO_ENDS.date()
    acme.save(update_fields=["embargo_until"])
    draft = services.minutes_generate(meeting=meeting, actor=cast.sam)
    services.minutes_circulate(minutes=draft, actor=cast.sam)
    from minutes.models import ApprovalMethod

    services.minutes_approve(
        minutes=draft, actor=cast.sam, method=ApprovalMethod.BALLOT, reference="Ballot 7: 3–0–0"
    )
    services.minutes_publish(minutes=draft, actor=cast.sam)
    # Named from the start of the embargo day in the board's zone (London).
    public_from = dt.datetime(2030, 6, 2, 23, 0, tzinfo=dt.UTC)
    with time_machine.travel(public_from - dt.timedelta(seconds=1), tick=False):
        public = read(client_for(None), draft, "markdown")
        board = read(client_for(cast.greta), draft, "markdown")
    assert "Victor Voter" in public and acme.name not in public
    assert acme.name in board
    with time_machine.travel(public_from, tick=False):
        assert acme.name in read(client_for(None), draft, "markdown")
