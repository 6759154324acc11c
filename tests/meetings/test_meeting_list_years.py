"""The meetings list shows what is coming and one year of past meetings; the other years are
links with their counts, so ten years of monthly meetings cost what one year costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ROLES = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]


def list_url(board, **query):
    url = reverse("meetings:meeting_list", args=[board.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def monthly(board, years, per_year=12, adjourned=True):
    """Adjourned meetings in the middle of each month of `years`."""
    for year in years:
        for month in range(1, per_year + 1):
            MeetingFactory(
                board=board,
                title=f"Board meeting {year}-{month:02d}",
                starts_at=dt.datetime(year, month, 15, 16, 0, tzinfo=dt.UTC),
                status="adjourned" if adjourned else "scheduled",
            )


def test_the_latest_year_is_shown_and_the_others_are_links_with_counts(cast, client_for):
    monthly(cast.board, [2021, 2022, 2023])
    MeetingFactory(
        board=cast.board, title="Next one", starts_at=timezone.now() + dt.timedelta(days=9)
    )
    text = client_for(cast.victor).get(list_url(cast.board)).text
    assert "Next one" in text
    assert "Past meetings in 2023" in text
    assert "Board meeting 2023-12" in text and "Board meeting 2023-01" in text
    assert "Board meeting 2022-06" not in text
    assert "36 past meetings in 3 years" in text
    for year in (2021, 2022):
        assert f'<a href="?year={year}#past-heading">{year} <span class="count">(12)</span>' in text
    assert '<a href="?year=2023#past-heading" aria-current="page">2023' in text


@pytest.mark.parametrize("who", ROLES)
def test_every_member_reads_an_earlier_year(cast, client_for, who):
    monthly(cast.board, [2021, 2022], per_year=2)
    text = client_for(getattr(cast, who)).get(list_url(cast.board, year=2021)).text
    assert "Past meetings in 2021" in text
    assert "Board meeting 2021-02" in text and "Board meeting 2022-02" not in text
    assert '<a href="?year=2021#past-heading" aria-current="page">' in text


def test_a_year_without_meetings_says_so_and_offers_the_others(cast, client_for):
    monthly(cast.board, [2022], per_year=1)
    response = client_for(cast.victor).get(list_url(cast.board, year=2019))
    assert response.status_code == 200
    assert "No past meetings in 2019. Choose a year above." in response.text
    assert '<a href="?year=2022#past-heading">2022' in response.text


@pytest.mark.parametrize(
    "year", ["", "abc", "0", "-1", "0202", "20222", "99999999999999999999", "２０２２", "2022x"]
)
def test_a_year_that_is_not_one_shows_the_latest(cast, client_for, year):
    monthly(cast.board, [2021, 2022], per_year=1)
    response = client_for(cast.victor).get(list_url(cast.board), {"year": year})
    assert response.status_code == 200
    assert "Past meetings in 2022" in response.text
    assert "Board meeting 2022-01" in response.text


def test_no_past_meetings_at_all(cast, client_for):
    response = client_for(cast.victor).get(list_url(cast.board, year=2020))
    assert response.status_code == 200
    assert "No past meetings yet." in response.text


def test_anonymous_is_sent_to_sign_in_and_another_board_gets_404(cast, client_for):
    monthly(cast.board, [2022], per_year=1)
    response = Client().get(list_url(cast.board, year=2022))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client_for(cast.olga).get(list_url(cast.board, year=2022))
    assert response.status_code == 404
    assert "Board meeting" not in response.text


def test_other_boards_meetings_are_not_counted(cast, client_for):
    monthly(cast.board, [2022], per_year=2)
    monthly(cast.other_board, [2020, 2022], per_year=3)
    text = client_for(cast.victor).get(list_url(cast.board)).text
    assert "2 past meetings in 1 year" in text
    assert "?year=2020" not in text


def test_the_query_count_is_the_same_for_one_year_and_ten(cast, client_for):
    client = client_for(cast.victor)
    counts = []
    for years in ([2023, 2024], range(2015, 2025)):
        monthly(cast.board, years)
        for query in ({}, {"year": 2023}):
            client.get(list_url(cast.board), query)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(list_url(cast.board), query)
            assert response.status_code == 200
            counts.append(len(queries))
        cast.board.meetings.all().delete()
    assert counts[:2] == counts[2:], counts
    assert max(counts) <= 12, counts
