"""Filters only the budget pages need."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def rate(value: Decimal | None) -> str:
    """A rate or percentage without trailing zeros: 1.682500 -> "1.6825", 20.00 -> "20"."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text
