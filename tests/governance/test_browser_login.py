import pytest
from django.core.management import call_command

from governance.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_chair_logs_in_and_reaches_the_members_directory(new_page, live_server):
    call_command("demo", no_serve=True)
    page = new_page()
    page.goto(f"{live_server.url}/b/xen-project-ab/members/")
    assert "Log in" in page.title()
    page.get_by_label("Email address").fill("lars.kurth@demo.boardroom.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/members/")
    assert page.get_by_role("heading", name="Members", exact=True).is_visible()
    table = page.get_by_role("table")
    assert table.get_by_text("Don Dugger").is_visible()
    assert table.get_by_role("row", name="Cavium").get_by_text("Larry Wikelius").is_visible()
    assert page.get_by_text("Lars Kurth").first.is_visible()
    # Keyboard: the skip link is the first stop and lands on the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
