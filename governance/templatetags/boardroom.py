"""Template filters for times, dates and money; the functions live in governance.formatting."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from governance.formatting import day, money, relative, short_day, when

register = template.Library()

register.filter("when", when)
register.filter("day", day)
register.filter("short_day", short_day)
register.filter("relative", relative)
register.filter("money", money)


@register.simple_tag
def chip(text: str, tone: str = "") -> str:
    """A small status label; tone is one of ok, warn, bad, info, muted."""
    return format_html('<span class="chip{}">{}</span>', f" chip-{tone}" if tone else "", text)
