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
