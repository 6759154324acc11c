"""Times in the viewer's zone with the zone named; money with tabular precision, never float."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from governance.formatting import day, money, relative, when

MEETING = dt.datetime(2014, 5, 15, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/London", "Thu 15 May 2014, 16:00 BST"),
        ("America/Denver", "Thu 15 May 2014, 09:00 MDT"),
        ("Asia/Tokyo", "Fri 16 May 2014, 00:00 JST"),
    ],
)
def test_when_shows_the_viewers_zone(zone, expected):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert when(MEETING) == expected


def test_when_time_only():
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        assert when(MEETING, "time") == "16:00 BST"


def test_day_and_relative():
    assert day(dt.date(2014, 6, 3)) == "Tue 3 Jun 2014"
    today = timezone.localdate()
    assert relative(today) == "today"
    assert relative(today + dt.timedelta(days=3)) == "in 3 days"
    assert relative(today - dt.timedelta(days=21)) == "3 weeks ago"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("2613.675"), "2,613.68"),
        (Decimal("-1553.45"), "\u22121,553.45"),
        (Decimal("0"), "0.00"),
        ("3106.9", "3,106.90"),
        (None, ""),
    ],
)
def test_money(amount, expected):
    assert money(amount) == expected


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_money_round_trips_to_the_cent_half_up(amount):
    shown = money(amount).replace(",", "").replace("\u2212", "-")
    assert Decimal(shown) == amount.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
