"""The minutes are rendered once per text, audience, embargo state (and, for the board, time
zone) and shared from the cache: an edit is seen at once, one audience's render never reaches
another, a lift is never late; and the page folds a long action summary, at the same queries
whatever the size."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from minutes import services
from minutes.disclosure import BOARD, PUBLIC
from minutes.rendered import FOLD_SUMMARY_OVER, minutes_html, render_key
from tests.minutes.conftest import (
    AFTER,
    BEFORE,
    BOARD_ONLY_WORDS,
    EMBARGO_ENDS,
    EMBARGOED_WORDS,
    PUBLIC_WORDS,
    minutes_url,
)

ENTRY = "Action Victor: Circulate the revised travel policy number {n}."


def with_summary(minutes, actor, *, entries: int, items: int = 0):
    """The minutes revised to end with an action summary of `entries` (and `items` more items)."""
    extra = "".join(f"\n## Extra item {n}\n\nVictor: point {n}.\n" for n in range(items))
    done = [f"- {ENTRY.format(n=n)}" for n in range(entries - 2)]
    text = (
        minutes.text
        + extra
        + "\n## Action summary from the previous meeting\n\n**Open / in progress**\n\n"
        + "\n".join(done)
        + "\n\n**Done**\n\n- Action Sam: Book the room.\n- Action Alice: Ring the bank.\n"
        + "\n## Ballots closed since the previous meeting\n\n- Closed 1 May: a ballot.\n"
    )
    return revise(minutes, text, actor)


def revise(minutes, text: str, actor):
    services.minutes_revise(minutes=minutes, text=text, summary="s", reason="r", actor=actor)
    minutes.refresh_from_db()
    return minutes


def page(client, minutes) -> str:
    response = client.get(minutes_url(minutes))
    assert response.status_code == 200
    return response.content.decode()


# -- Rendered once --------------------------------------------------------------------------


def test_a_second_reader_is_served_the_first_readers_render(cast, client_for, published):
    page(client_for(cast.victor), published)
    key = render_key(published, audience=BOARD, at=timezone.now())
    assert cache.get(key) is not None
    cache.set(key, ("<p>From the cache</p>", []))
    assert "From the cache" in page(client_for(cast.greta), published)


def test_an_edit_is_seen_at_once(cast, client_for, draft):
    client = client_for(cast.victor)
    assert "Added later" not in page(client, draft)
    revised = revise(draft, draft.text + "\nAdded later.\n", cast.sam)
    assert "Added later" in page(client, revised)


def test_a_correction_after_publication_is_seen_at_once(cast, client_for, published):
    client = client_for(None)
    assert PUBLIC_WORDS in page(client, published)
    text = published.text.replace(PUBLIC_WORDS, "Budget discussion was adjourned")
    corrected = revise(published, text, cast.sam)
    assert PUBLIC_WORDS not in page(client, corrected)
    assert "Budget discussion was adjourned" in page(client, corrected)


def test_every_change_of_text_revision_audience_or_embargo_state_is_a_new_key(published):
    at = BEFORE
    key = render_key(published, audience=PUBLIC, at=at)
    assert render_key(published, audience=PUBLIC, at=at + dt.timedelta(hours=1)) == key
    assert render_key(published, audience=BOARD, at=at) != key
    assert render_key(published, audience=PUBLIC, at=AFTER) != key
    assert render_key(published, audience=PUBLIC, at=EMBARGO_ENDS) != key  # lifts on the dot
    published.text += " "
    assert render_key(published, audience=PUBLIC, at=at) != key
    published.text = published.text[:-1]
    published.revision_count += 1
    assert render_key(published, audience=PUBLIC, at=at) != key


def test_the_boards_render_is_per_time_zone(published):
    with timezone.override("Europe/London"):
        london = render_key(published, audience=BOARD, at=BEFORE)
    with timezone.override("Asia/Tokyo"):
        assert render_key(published, audience=BOARD, at=BEFORE) != london


@pytest.mark.parametrize("first", ["member", "anonymous"])
def test_one_audiences_render_never_reaches_another(cast, client_for, published, first):
    # Clients made inside the frozen time: a session made now has expired by then.
    with time_machine.travel(BEFORE, tick=False):
        readers = {"member": client_for(cast.victor), "anonymous": client_for(None)}
        order = ["member", "anonymous"] if first == "member" else ["anonymous", "member"]
        seen = {who: page(readers[who], published) for who in order}
    assert BOARD_ONLY_WORDS in seen["member"] and EMBARGOED_WORDS in seen["member"]
    assert BOARD_ONLY_WORDS not in seen["anonymous"]
    assert EMBARGOED_WORDS not in seen["anonymous"]


def test_embargoed_news_reaches_the_public_the_moment_it_lifts(cast, client_for, published):
    with time_machine.travel(EMBARGO_ENDS - dt.timedelta(seconds=1), tick=False):
        assert EMBARGOED_WORDS not in page(client_for(None), published)
        assert "Embargoed until" in page(client_for(cast.victor), published)
    with time_machine.travel(EMBARGO_ENDS, tick=False):
        assert EMBARGOED_WORDS in page(client_for(None), published)
        member = page(client_for(cast.victor), published)
        assert "Embargo ended" in member and "Embargoed until" not in member
    assert BOARD_ONLY_WORDS not in page(client_for(None), published)


def test_a_render_is_the_one_render_html_gives(published):
    from minutes.disclosure import render_html

    for audience in (BOARD, PUBLIC):
        for at in (BEFORE, AFTER):
            assert minutes_html(published, audience=audience, at=at) == render_html(
                published.text, audience=audience, at=at
            )
            assert minutes_html(published, audience=audience, at=at) == render_html(
                published.text, audience=audience, at=at
            )


# -- A long action summary, folded on the page --------------------------------------------------


def test_a_short_action_summary_is_shown_whole(cast, client_for, published):
    minutes = with_summary(published, cast.sam, entries=FOLD_SUMMARY_OVER)
    html = page(client_for(cast.victor), minutes)
    assert ENTRY.format(n=0) in html and "Ring the bank" in html
    assert "summary-fold" not in html


@pytest.mark.parametrize("reader", ["anonymous", "victor", "sam"])
def test_a_long_action_summary_is_folded_with_its_counts(cast, client_for, published, reader):
    minutes = with_summary(published, cast.sam, entries=FOLD_SUMMARY_OVER + 1)
    client = client_for(None if reader == "anonymous" else getattr(cast, reader))
    html = page(client, minutes)
    assert "Action summary from the previous meeting" in html
    assert (
        f"{FOLD_SUMMARY_OVER + 1} actions: open / in progress {FOLD_SUMMARY_OVER - 1}; done 2."
        in html
    )
    assert ENTRY.format(n=0) not in html and "Ring the bank" not in html
    assert "Ballots closed since the previous meeting" in html  # what follows is still there
    summary_url = minutes_url(minutes, "action_summary")
    assert f'hx-get="{summary_url}"' in html and f'href="{summary_url}"' in html


@pytest.mark.parametrize("reader", ["anonymous", "victor", "sam"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_folded_summary_opens_on_its_own(cast, client_for, published, reader, htmx):
    minutes = with_summary(published, cast.sam, entries=FOLD_SUMMARY_OVER + 1)
    client = client_for(None if reader == "anonymous" else getattr(cast, reader))
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(minutes_url(minutes, "action_summary"), headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert ENTRY.format(n=0) in html and "Ring the bank" in html
    assert "Ballots closed" not in html
    assert ("<html" in html) is not htmx


def test_the_exports_keep_the_summary_whole(cast, client_for, published):
    minutes = with_summary(published, cast.sam, entries=FOLD_SUMMARY_OVER + 1)
    client = client_for(cast.victor)
    markdown = client.get(minutes_url(minutes, "minutes_markdown")).content.decode()
    assert ENTRY.format(n=0) in markdown and "Ring the bank" in markdown


def test_minutes_without_an_action_summary_have_no_summary_page(cast, client_for, published):
    assert client_for(cast.victor).get(minutes_url(published, "action_summary")).status_code == 404


@pytest.mark.parametrize("reader", ["anonymous", "olga"])
def test_unpublished_minutes_summary_is_not_for_outsiders(cast, client_for, circulated, reader):
    minutes = with_summary(circulated, cast.sam, entries=FOLD_SUMMARY_OVER + 1)
    response = client_for(None if reader == "anonymous" else cast.olga).get(
        minutes_url(minutes, "action_summary")
    )
    assert response.status_code == 404
    assert ENTRY.format(n=0) not in response.content.decode()


def test_a_summary_inside_a_confidentiality_block_is_kept_inside_the_board(
    cast, client_for, published
):
    text = (
        published.text
        + "\n::: board only\n## Action summary from the previous meeting\n\n**Open**\n\n"
        + "\n".join(f"- {ENTRY.format(n=n)}" for n in range(FOLD_SUMMARY_OVER + 5))
        + "\n:::\n"
    )
    minutes = revise(published, text, cast.sam)
    assert ENTRY.format(n=0) in page(client_for(cast.victor), minutes)  # whole: not cut
    assert ENTRY.format(n=0) not in page(client_for(None), minutes)
    response = client_for(None).get(minutes_url(minutes, "action_summary"))
    assert response.status_code == 404


# -- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["anonymous", "victor", "sam"])
@pytest.mark.parametrize("warm", [False, True])
def test_the_page_costs_the_same_queries_for_short_and_long_minutes(
    cast, client_for, published, django_assert_max_num_queries, reader, warm
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.minutes.test_query_budgets import published_minutes

    client = client_for(None if reader == "anonymous" else getattr(cast, reader))
    # Both corrected after publication (a correction shows on the page), one short, one long.
    short = with_summary(published_minutes(cast, 5, comments=0, revisions=0), cast.sam, entries=3)
    long = with_summary(
        published_minutes(cast, 6, comments=0, revisions=0), cast.sam, entries=1200, items=60
    )
    counts = []
    for minutes in (short, long):
        if warm:
            page(client, minutes)
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            page(client, minutes)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_marks_to_check_come_with_the_boards_render_and_go_with_the_fix(
    cast, client_for, draft
):
    broken = revise(draft, draft.text + "\n::: secret until friday\nHidden.\n:::\n", cast.sam)
    assert "Confidentiality marks to check" in page(client_for(cast.sam), broken)
    assert "Confidentiality marks to check" in page(client_for(cast.victor), broken)  # cached
    fixed = revise(broken, broken.text.replace("secret until friday", "board only"), cast.sam)
    assert "Confidentiality marks to check" not in page(client_for(cast.sam), fixed)
