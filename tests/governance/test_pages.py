import pytest
from django.test import Client
from django.urls import reverse

from governance.models import Role
from tests.factories import OrganisationFactory, SeatFactory

pytestmark = pytest.mark.django_db


BOARD_PAGES = ["dashboard", "members_directory"]


@pytest.mark.parametrize("name", BOARD_PAGES)
def test_anonymous_visitor_is_sent_to_login(cast, name):
    url = reverse(name, args=[cast.board.slug])
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["home", "profile", "password_change"])
def test_site_pages_need_login(cast, name):
    assert Client().get(reverse(name)).status_code == 302


@pytest.mark.parametrize("name", BOARD_PAGES)
@pytest.mark.parametrize("who", ["alice", "sam", "victor", "alan", "nora"])
def test_every_seat_holder_reads_board_pages(cast, client_for, name, who):
    response = client_for(getattr(cast, who)).get(reverse(name, args=[cast.board.slug]))
    assert response.status_code == 200
    assert "Test Board" in response.text


@pytest.mark.parametrize("name", BOARD_PAGES)
def test_member_of_another_board_gets_404(cast, client_for, name):
    response = client_for(cast.olga).get(reverse(name, args=[cast.board.slug]))
    assert response.status_code == 404
    assert "Test Board" not in response.text


def test_home_goes_straight_to_the_only_board(cast, client_for):
    response = client_for(cast.victor).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("dashboard", args=[cast.board.slug])


def test_login_page_is_public_and_logs_in_by_email(cast):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"),
        {"username": "victor@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_says_so(cast):
    response = Client().post(reverse("login"), {"username": "victor@example.org", "password": "x"})
    assert response.status_code == 200
    assert "enter a correct email address and password" in response.text


def test_password_reset_is_public_and_sends_mail(cast, mailoutbox):
    client = Client()
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": "victor@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_csrf_is_enforced_on_posts(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.victor)
    response = client.post(reverse("profile"), {"full_name": "Hacked", "timezone": ""})
    assert response.status_code == 403
    cast.victor.refresh_from_db()
    assert cast.victor.full_name == "Victor Voter"


def test_logout_is_a_post(cast, client_for):
    client = client_for(cast.victor)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_profile_sets_the_time_zone_used_on_pages(cast, client_for):
    client = client_for(cast.victor)
    response = client.post(
        reverse("profile"),
        {"full_name": "Victor Voter", "affiliation": "", "timezone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    page = client.get(reverse("dashboard", args=[cast.board.slug]))
    assert "Asia/Tokyo" in page.text


def test_profile_refuses_an_unknown_time_zone(cast, client_for):
    response = client_for(cast.victor).post(
        reverse("profile"), {"full_name": "Victor Voter", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    cast.victor.refresh_from_db()
    assert cast.victor.timezone == ""


def test_directory_lists_organisations_with_representatives_and_roles(cast, client_for):
    response = client_for(cast.nora).get(reverse("members_directory", args=[cast.board.slug]))
    text = response.text
    assert text.index("Acme Corporation") < text.index("Globex") < text.index("Initech")
    assert "Victor Voter" in text and "Alan Alternate" in text and "Alternate" in text
    assert "Nora Nonvoting" in text and "Non-voting member" in text
    assert "Alice Chair" in text and "Sam Secretary" in text
    assert "Olga Outsider" not in text


def test_directory_on_a_past_date_shows_who_sat_then(cast, client_for):
    url = reverse("members_directory", args=[cast.board.slug])
    response = client_for(cast.nora).get(url, {"on": "2019-06-01"})
    assert "Victor Voter" not in response.text
    assert "No member organisations on this date" in response.text  # all joined in 2020
    cast.acme.joined_on = "2019-01-01"
    cast.acme.save()
    response = client_for(cast.nora).get(url, {"on": "2019-06-01"})
    assert "1 member organisation, 0 with a voting representative" in response.text
    assert "No voting representative" in response.text


def test_directory_with_a_bad_date_says_so_and_shows_today(cast, client_for):
    url = reverse("members_directory", args=[cast.board.slug])
    response = client_for(cast.nora).get(url, {"on": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.text
    assert "Victor Voter" in response.text


def test_directory_marks_an_embargoed_membership(cast, client_for):
    cast.initech.embargo_until = "2999-06-03"
    cast.initech.save()
    response = client_for(cast.nora).get(reverse("members_directory", args=[cast.board.slug]))
    assert "Embargoed until 3 Jun 2999" in response.text


@pytest.mark.parametrize("organisations", [1, 200])
def test_directory_query_count_does_not_grow(
    cast, client_for, django_assert_max_num_queries, organisations
):
    for _ in range(organisations):
        organisation = OrganisationFactory(board=cast.board)
        SeatFactory(board=cast.board, organisation=organisation, role=Role.VOTING)
        SeatFactory(board=cast.board, organisation=organisation, role=Role.MEMBER)
    client = client_for(cast.victor)
    url = reverse("members_directory", args=[cast.board.slug])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_unknown_page_is_a_styled_404(cast, client_for):
    response = client_for(cast.victor).get("/no/such/page/")
    assert response.status_code == 404
    assert "Nothing here" in response.text


def test_healthz_is_public():
    assert Client().get(reverse("healthz")).json()["status"] == "ok"


def test_dashboard_shows_the_board_card_with_quorum(cast, client_for):
    response = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug]))
    assert "3</span> voting organisations seated today; quorum needs 2" in response.text
    assert "voting representative for Acme" in response.text


def test_directory_groups_an_officers_roles(cast, client_for):
    SeatFactory(board=cast.board, person=cast.sam, organisation=None, role=Role.STAFF)
    response = client_for(cast.victor).get(reverse("members_directory", args=[cast.board.slug]))
    assert "Secretary, Staff ·" in response.text or "Secretary, Staff<" in response.text


def test_without_a_zone_of_their_own_a_member_sees_the_boards_zone(cast, client_for):
    cast.board.timezone = "America/New_York"
    cast.board.save()
    response = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug]))
    assert "times shown in America/New_York" in response.text
