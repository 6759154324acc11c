"""Pages that belong to no board (profile, password, 403, 404) keep the board's navigation, and
the members directory offers a way to reach people."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import BoardFactory, SeatFactory

pytestmark = pytest.mark.django_db


def nav_of(html: str) -> str:
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def client_for_user(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/profile/",
        "/accounts/password_change/",
        "/b/test-board/no-such-page/",
        "/no-such-page/",
        "/b/test-board/budget/2024/lines/new/",  # a 403 for a voting member
    ],
)
def test_pages_of_no_board_keep_the_board_s_navigation(cast, url):
    response = client_for_user(cast.victor).get(url)
    assert response.status_code in (200, 403, 404)
    nav = nav_of(response.text)
    assert f'href="{reverse("members_directory", args=["test-board"])}"' in nav
    assert ">Meetings<" in nav and ">Budget<" in nav
    assert "Test Board" in response.text.split("</header>")[0]


def test_a_404_under_another_board_shows_the_viewer_s_own_board(cast):
    response = client_for_user(cast.olga).get("/b/test-board/members/")
    assert response.status_code == 404
    nav = nav_of(response.text)
    assert "/b/other-board/" in nav and "/b/test-board/" not in nav


def test_someone_on_two_boards_gets_the_board_of_the_path_or_none(cast):
    second = BoardFactory(name="Second Board", slug="second-board")
    SeatFactory(board=second, person=cast.victor, role="chair", organisation=None)
    client = client_for_user(cast.victor)
    assert "/b/second-board/members/" in nav_of(client.get("/b/second-board/nope/").text)
    profile = client.get("/accounts/profile/").text
    assert '<nav class="site-nav"' in profile  # the admin link's place, without a board's links
    assert "/members/" not in nav_of(profile)


def test_anonymous_404_has_no_board(cast):
    response = Client().get("/b/test-board/no-such-page/")
    assert response.status_code == 404
    assert "Test Board" not in response.text


def test_only_pages_of_no_board_look_up_the_navigation_board(cast):
    client = client_for_user(cast.victor)

    def board_lookups(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code in (200, 404)
        return sum(
            'FROM "governance_board"' in query["sql"] and query["sql"].endswith("LIMIT 2")
            for query in queries
        )

    assert board_lookups("/b/test-board/members/") == 0
    assert board_lookups("/accounts/profile/") == 1


def test_the_members_directory_links_each_person_s_email(cast):
    html = client_for_user(cast.nora).get("/b/test-board/members/").text
    for person in (cast.victor, cast.alan, cast.greta, cast.alice, cast.sam):
        assert f'href="mailto:{person.email}"' in html
    assert "mailto:olga@example.org" not in html
    everyone = html.split('href="mailto:', 1)[1].split('"', 1)[0]
    assert "victor@example.org" in everyone and "sam@example.org" in everyone
