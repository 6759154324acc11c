"""How a meeting's words are shown: paragraphs kept, links made clickable."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# urlize is the slowest step of rendering a long record; most statements hold no link.
LINK_HINTS = ("://", "www.", "@", ".com", ".org", ".net")


def _linked(text: str) -> str:
    if any(hint in text for hint in LINK_HINTS):
        return urlize(text, nofollow=True, autoescape=True)
    return escape(text)


@register.filter(is_safe=True)
def statement(text: str) -> SafeString:
    """One note: escaped, links made clickable, line breaks kept."""
    return linebreaksbr(mark_safe(_linked(text or "")), autoescape=False)  # noqa: S308


@register.filter(is_safe=True)
def paragraphs(text: str) -> SafeString:
    """Background or a summary: paragraphs, links made clickable."""
    return linebreaks_filter(mark_safe(_linked(text or "")), autoescape=False)  # noqa: S308


@register.filter
def starts(meeting) -> str:
    """When a meeting starts, in the viewer's zone; its day alone when the time is unknown."""
    from meetings.services import starts_text

    return starts_text(meeting)


@register.filter
def planned_total(items) -> str:
    """'1 h 35 min planned' from the items' planned minutes (items without a plan add nothing)."""
    minutes = sum(item.planned_minutes or 0 for item in items)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
