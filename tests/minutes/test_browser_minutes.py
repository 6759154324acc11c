"""Browser journey: the secretary edits the draft and circulates it; a member comments; the
secretary puts the minutes to a ballot, a member votes and the chair closes it, which approves
them; the secretary publishes; an anonymous visitor reads the minutes and downloads the PDF."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minutes.models import Comment, Minutes
from tests.minutes.conftest import BOARD_ONLY_WORDS, EMBARGOED_WORDS, PUBLIC_WORDS, minutes_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_minutes_from_draft_to_public_pdf(cast, new_page, live_server, draft):
    url = live_server.url + minutes_url(draft)

    secretary = new_page(cast.sam)
    secretary.goto(url)
    expect(secretary.locator(".minutes-steps")).to_contain_text("Draft")
    secretary.get_by_role("link", name="Edit the draft").click()
    source = secretary.get_by_label("Minutes (Markdown)")
    source.fill(source.input_value() + "\nAny other business: none.\n")
    secretary.get_by_label("What changed").fill("Any other business")
    secretary.get_by_role("button", name="Save revision").click()
    expect(secretary.locator(".messages")).to_contain_text("Saved a new revision")
    expect(secretary.locator("#minutes-text")).to_contain_text("Any other business: none.")
    secretary.get_by_role("button", name="Circulate to the board").click()
    expect(secretary.locator(".minutes-steps")).to_contain_text("Circulated for review")

    member = new_page(cast.victor)
    member.goto(url)
    expect(member.locator("#minutes-text")).to_contain_text(EMBARGOED_WORDS)
    board_only = member.locator("#minutes-text .restricted", has_text="Board only")
    expect(board_only).to_contain_text(BOARD_ONLY_WORDS)
    member.get_by_label("Comment", exact=True).fill("Agreed, with thanks to Sam.")
    member.get_by_role("button", name="Send comment").click()
    expect(member.locator("#comments")).to_contain_text("Agreed, with thanks to Sam.")

    secretary.goto(url)
    secretary.get_by_label("Decided").select_option("ballot")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=7), cast.board.zone)
    secretary.get_by_label("Ballot deadline").fill(f"{deadline:%Y-%m-%dT%H:%M}")
    secretary.get_by_role("button", name="Put the minutes to the board").click()
    expect(secretary.locator(".messages")).to_contain_text("Put to the board")
    ballot = secretary.get_by_role("link", name="Approve the minutes of March 2024 as circulated")
    ballot_url = live_server.url + ballot.get_attribute("href")

    member.goto(ballot_url)
    member.get_by_role("button", name="For").click()
    expect(member.get_by_role("button", name="For")).to_have_attribute("aria-pressed", "true")
    # The ballot page polls its count every 2 s; one page polling at a time keeps SQLite's shared
    # test connection from serving two requests at once.
    member.goto("about:blank")
    chair = new_page(cast.alice)
    chair.goto(ballot_url)
    chair.get_by_role("button", name="Close the ballot now and count").click()
    chair.get_by_role("link", name="Minutes of March 2024 (approved)").click()
    expect(chair.locator(".minutes-steps")).to_contain_text("approved")
    expect(chair.locator(".minutes-steps")).to_contain_text("by ballot closing")

    secretary.goto(url)
    secretary.get_by_role("button", name="Publish the minutes").click()
    expect(secretary.locator(".minutes-steps")).to_contain_text("Published")

    visitor = new_page()
    visitor.goto(url)
    document = visitor.locator("#minutes-text")
    expect(document).to_contain_text(PUBLIC_WORDS)
    expect(document).to_contain_text("Any other business: none.")
    expect(document).not_to_contain_text(BOARD_ONLY_WORDS)
    expect(document).not_to_contain_text(EMBARGOED_WORDS)
    expect(visitor.locator("#comments")).to_have_count(0)
    pdf_link = visitor.get_by_role("link", name="PDF")
    # WeasyPrint takes a while on its first document (fonts are loaded once).
    href = pdf_link.get_attribute("href")
    response = visitor.request.get(live_server.url + href, timeout=60_000)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    minutes = Minutes.objects.get()
    assert minutes.is_published and minutes.revision_count == 2
    assert Comment.objects.get().author == cast.victor
