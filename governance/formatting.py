"""How Boardroom writes times, dates and money, for templates and services alike.

Plain functions with no template machinery, so services and queries can phrase a message the way
a page shows it without importing template tags.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone


def when(value: dt.datetime | None, style: str = "") -> str:
    """'Thu 15 May 2014, 16:00 BST' in the viewer's time zone; 'time' gives '16:00 BST'."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    zone = local.tzname() or ""
    if style == "time":
        return f"{local:%H:%M} {zone}".strip()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {zone}".strip()


def long_day(value: dt.date | None) -> str:
    """'15 May 2014', as a record words a date."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def day(value: dt.date | dt.datetime | None) -> str:
    """'Thu 15 May 2014'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%a} {value.day} {value:%b %Y}"


def short_day(value: dt.date | None) -> str:
    """'3 Jun' (the year only when it is not this year)."""
    if value is None:
        return ""
    if value.year == timezone.localdate().year:
        return f"{value.day} {value:%b}"
    return f"{value.day} {value:%b %Y}"


def relative(value: dt.date | dt.datetime | None) -> str:
    """A hint such as 'in 3 days', 'today', '2 weeks ago'."""
    if value is None:
        return ""
    today = timezone.localdate()
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    days = (value - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    span = abs(days)
    if span < 14:
        amount = f"{span} days"
    elif span < 60:
        amount = f"{span // 7} weeks"
    elif span < 730:
        amount = f"{span // 30} months"
    else:
        amount = f"{span // 365} years"
    return f"in {amount}" if days > 0 else f"{amount} ago"


def money(value: Decimal | int | str | None, places: int = 2) -> str:
    """1234.5 -> '1,234.50'; negatives get a real minus sign. Never goes through float."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    quantum = Decimal(1).scaleb(-int(places))
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.{int(places)}f}"
    return f"\u2212{text}" if amount < 0 else text
