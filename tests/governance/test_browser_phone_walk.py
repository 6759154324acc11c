"""Every page of the demo on a 390 px phone: nothing wider than the screen, no target under 24 px.

The pages come from the URL map, not from a list, so a page added later is walked without
touching this file. Ids come from the demo by parameter name (`scenes`); a URL that needs a
parameter no scene provides fails the test, naming it, rather than being skipped. Endpoints that
only take POST (405 to a GET), downloads and htmx fragments are recognised from their responses.

Targets follow WCAG 2.2's target size (2.5.8): a control is at least 24 × 24 CSS px unless it is
a link inside a sentence (the line height of the text around it sets its size).
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from budget.models import BudgetLine, FiscalYear, SpendingRequest
from governance.demo import DEMO_BOARD_SLUG
from governance.models import User
from meetings.models import Meeting, Note
from tests.governance.test_login_required import named_patterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALLEST_TARGET = 24
ROLES = {
    "anonymous": None,
    "chair": "lars.kurth@demo.boardroom.example",
    "secretary": "sarah.conway@demo.boardroom.example",
    "member": "don.dugger@demo.boardroom.example",
}

# Measured in the page: how wide the document is, what sticks out, and which targets are small.
MEASURE = """
(smallest) => {
  const viewport = document.documentElement.clientWidth;
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}> "${text.slice(0, 40)}" `
      + `${Math.round(r.width)}×${Math.round(r.height)}`;
  };
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
    }
    return false;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden'
      && r.bottom + window.scrollY > 0 && r.right + window.scrollX > 0
      && !el.closest('[hidden], [inert], [aria-hidden="true"], dialog:not([open])');
  };
  const width = document.documentElement.scrollWidth;
  const sticking = width <= viewport ? [] : [...document.body.querySelectorAll('*')]
    .filter((el) => shown(el) && el.getBoundingClientRect().right > viewport + 0.5 && !scrolls(el))
    .filter((el, _, all) => !all.some((other) => other !== el && el.contains(other)))
    .slice(0, 5).map(describe);
  const blockOf = (el) => {
    let up = el.parentElement;
    while (up && getComputedStyle(up).display.startsWith('inline')) up = up.parentElement;
    return up;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = blockOf(el);
    const own = el.innerText.trim().length;
    return block !== null && block.innerText.trim().length > own + 2;
  };
  const targets = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[tabindex]:not([tabindex="-1"])'
  )].filter(shown);
  const small = targets.filter((el) => {
    const r = el.getBoundingClientRect();
    return (r.width < smallest - 0.5 || r.height < smallest - 0.5) && !inSentence(el);
  }).map(describe);
  const unframed = [...document.querySelectorAll('table')]
    .filter((table) => shown(table) && table.getBoundingClientRect().right > viewport + 0.5
      && !table.closest('.table-wrap'))
    .map(describe);
  // One form language: labels without a trailing colon, Cancel a link styled as a secondary button.
  const colons = [...document.querySelectorAll('main label')]
    .filter((label) => label.innerText.trim().endsWith(':')).map(describe);
  const cancels = [...document.querySelectorAll('main a, main button, main input[type=submit]')]
    .filter((el) => (el.innerText || el.value || '').trim() === 'Cancel')
    .filter((el) => !(el.tagName === 'A' && el.classList.contains('button-secondary')))
    .map(describe);
  return {
    width, viewport, sticking, small, unframed, colons,
    cancels,
  };
}
"""


def scenes() -> list[dict]:
    """Consistent sets of demo ids, one per state worth seeing: the May 2014 meeting (adjourned)
    with the closed 2014 budget, the next meeting (scheduled) with the open 2015 budget, and the
    line that spent more than it was approved."""
    board = Meeting.objects.first().board
    assert board.slug == DEMO_BOARD_SLUG
    found = []
    for meeting, year, spending_request in (
        (
            Meeting.objects.filter(board=board, status="adjourned").order_by("starts_at").first(),
            2014,
            SpendingRequest.objects.get(title="Hackathon evening social event"),
        ),
        (
            Meeting.objects.filter(board=board, status="scheduled").order_by("starts_at").first(),
            2015,
            SpendingRequest.objects.filter(line__fiscal_year__year=2015).first(),
        ),
        # May 2014 itself, whose minutes carry the action summary from April (its own page).
        (
            Meeting.objects.get(board=board, title="May 2014"),
            2014,
            SpendingRequest.objects.get(title="Hackathon evening social event"),
        ),
    ):
        found.append(
            {
                "board_slug": board.slug,
                "meeting_id": meeting.pk,
                "item_id": meeting.items.order_by("position").first().pk,
                "attendance_id": meeting.attendances.order_by("pk")
                .values_list("pk", flat=True)
                .first()
                or 0,
                "note_id": Note.objects.filter(item__meeting=meeting)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
                or 0,
                "year": year,
                "line_id": spending_request.line_id,
                "request_id": spending_request.pk,
                # The demo names no proxy; withdrawing one is a POST the walk only sees refuse GET.
                "proxy_id": 0,
                # A folded action summary's group (the demo's summaries are short, so unfolded
                # on the meeting page; the group's own page still has to fit a phone).
                "group": "open",
            }
        )
    from motions.models import Motion

    motions = Motion.objects.filter(board=board).order_by("pk")
    for scene, motion in zip(found, motions, strict=False):
        scene |= {"motion_id": motion.pk, "action": "close"}
    from actions.models import ActionItem
    from minutes.models import Comment

    comment = Comment.objects.filter(minutes__meeting__board=board).order_by("pk").first()
    action = ActionItem.objects.filter(board=board).order_by("pk").first()
    for scene in found:
        if comment is not None:
            scene["comment_id"] = comment.pk
        if action is not None:
            scene["action_id"] = action.pk
    overspent = BudgetLine.objects.get(title__startswith="Document Days", fiscal_year__year=2014)
    found.append({**found[0], "line_id": overspent.pk, "year": overspent.fiscal_year.year})
    assert FiscalYear.objects.filter(board=board).count() == 2
    return found


def special_ids(name: str, user: User | None, scene: dict) -> dict:
    """Parameters that mean something particular to one URL."""
    if name == "meetings:correct_note":
        note = (
            Note.objects.filter(item__meeting__board__slug=scene["board_slug"])
            .filter(item__meeting__status="adjourned")
            .order_by("pk")
            .first()
        )
        return {"meeting_id": note.item.meeting_id, "note_id": note.pk}
    if name == "password_reset_confirm":
        member = User.objects.get(email=ROLES["member"])
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": default_token_generator.make_token(member),
        }
    return {}


def urls_for(
    name: str, params: tuple, user: User | None, scenes: list[dict], missing: set
) -> list[str]:
    urls = []
    for scene in scenes:
        values = {**scene, **special_ids(name, user, scene)}
        if not set(params) <= set(values):
            missing.add(f"{name} needs {sorted(set(params) - set(values))}")
            continue
        try:
            url = reverse(name, kwargs={param: values[param] for param in params})
        except NoReverseMatch as error:
            missing.add(f"{name}: {error}")
            continue
        if url not in urls:
            urls.append(url)
    return urls


def classify(response) -> str:
    kind = response.get("Content-Type", "")
    if response.status_code in (301, 302) and response.url.startswith(reverse("login")):
        return "login required"
    if response.status_code in (301, 302):
        return "redirect"
    if response.status_code >= 500:
        return "error"
    if response.status_code == 405:
        return "post-only"
    if response.status_code not in (200, 204, 286):
        return f"status {response.status_code}"
    if not kind.startswith("text/html"):
        return "download"
    if b"<html" not in response.content[:400].lower():
        return "fragment"
    return "page"


def test_every_page_fits_a_phone_for_every_role(new_page, live_server):
    started = time.monotonic()
    call_command("demo", no_serve=True)
    demo_scenes = scenes()
    users = {
        role: (User.objects.get(email=email) if email else None) for role, email in ROLES.items()
    }
    patterns = dict(named_patterns())
    missing: set[str] = set()
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    reached: dict[str, set[str]] = {name: set() for name in patterns}
    faults: list[str] = []
    # What each URL is, asked as each role; what answers alike to everyone (a POST-only
    # endpoint, a download, a fragment) is asked once.
    alike = {"post-only", "download", "fragment"}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for name, params in patterns.items():
            if reached[name] & alike:
                continue
            for url in urls_for(name, params, user, demo_scenes, missing):
                response = client.get(url)
                outcome = classify(response)
                if outcome == "redirect":  # e.g. home to the only board; the browser follows
                    outcome = classify(client.get(url, follow=True))
                reached[name].add(outcome)
                if outcome == "error":
                    faults.append(f"{role} {url}: server error")
                elif outcome == "page" and url not in pages[role]:
                    pages[role].append(url)
    assert not missing, "URLs the walk cannot fill in from the demo:\n" + "\n".join(sorted(missing))
    served = {"page", *alike}
    unreached = {name: sorted(kinds) for name, kinds in reached.items() if not kinds & served}
    assert not unreached, f"URLs that gave no page to any role: {unreached}"

    static: dict[str, tuple] = {}

    def cached_static(route):
        # The same few stylesheets and scripts on every page: fetched once for the whole walk.
        if route.request.url not in static:
            response = route.fetch()
            static[route.request.url] = (response.status, response.headers, response.body())
        status, headers, body = static[route.request.url]
        route.fulfill(status=status, headers=headers, body=body)

    for role, user in users.items():
        page = new_page(user, viewport=PHONE)
        page.route("**/static/**", cached_static)
        for url in pages[role]:
            page.goto(f"{live_server.url}{url}", wait_until="domcontentloaded")
            found = page.evaluate(MEASURE, SMALLEST_TARGET)
            if found["width"] > found["viewport"]:
                faults.append(
                    f"{role} {url}: {found['width']} px wide on a {found['viewport']} px screen; "
                    f"sticking out: {found['sticking']}"
                )
            faults.extend(f"{role} {url}: target under 24 px: {small}" for small in found["small"])
            faults.extend(
                f"{role} {url}: table wider than the screen outside a .table-wrap: {table}"
                for table in found["unframed"]
            )
            faults.extend(f"{role} {url}: label ends with a colon: {x}" for x in found["colons"])
            faults.extend(
                f"{role} {url}: Cancel is not a link styled as a secondary button: {x}"
                for x in found["cancels"]
            )
    walked = sum(len(urls) for urls in pages.values())
    print(f"walked {walked} pages at 390 px in {time.monotonic() - started:.1f} s")
    assert walked >= 40, pages
    assert {reverse("members_directory", args=[DEMO_BOARD_SLUG])} <= set(pages["member"])
    assert not faults, f"{len(faults)} faults at 390 px:\n" + "\n".join(faults)
