"""Browser journey: the chair reviews a long action summary in the console, one group at a
time: the group opens with its entries, a review is recorded, and the group stays open with
the entry marked reviewed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import ActionUpdate
from actions.queries import action_summary_for
from tests.actions.test_query_budgets import board_with_actions
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chair_reviews_a_long_summary_group_by_group(cast, new_page, live_server):
    _, second = board_with_actions(cast, 60)
    waiting = action_summary_for(second).waiting
    chair = new_page(cast.alice, viewport={"width": 1440, "height": 1000})
    chair.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, second.pk])
    )
    panel = chair.locator(".console-panel", has_text="Action summary")
    expect(panel).to_contain_text("0 of 60 reviewed")
    expect(panel.locator(".review-entry")).to_have_count(0)
    group = panel.locator("details.review-waiting")
    group.locator("summary").first.click()
    expect(group.locator(".review-entry")).to_have_count(len(waiting))
    entry = group.locator(f"#review-{waiting[0].action.pk}")
    entry.locator("summary").click()
    entry.get_by_label("Status").select_option("done")
    entry.get_by_label("Note").fill("Sent to the list")
    entry.get_by_role("button", name="Record review").click()
    panel = chair.locator(".console-panel", has_text="Action summary")
    expect(panel).to_contain_text("1 of 60 reviewed")
    group = panel.locator("details.review-waiting")
    expect(group).to_have_attribute("open", "")
    expect(group.locator(".review-entry.is-reviewed")).to_have_count(1)
    expect(group.locator(".review-entry")).to_have_count(len(waiting))
    assert ActionUpdate.objects.filter(
        action=waiting[0].action, reviewed_in=second, note="Sent to the list"
    ).exists()
    ARTIFACTS.mkdir(exist_ok=True)
    chair.screenshot(path=ARTIFACTS / "console-review-fold.png", full_page=True)
