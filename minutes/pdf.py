"""Minutes as PDF, through WeasyPrint (needs Debian's libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0 and fonts-dejavu-core; `.ci/run` installs them)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "minutes_print.css"


def minutes_pdf_bytes(html: str) -> bytes:
    from weasyprint import CSS, HTML

    def no_fetch(url: str, *args, **kwargs):
        # Minutes are text: nothing in them is fetched, so no URL a user wrote can be reached.
        raise ValueError(f"Not fetched: {url}")

    document = HTML(string=html, url_fetcher=no_fetch, base_url="/")
    return document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
