"""Error pages in the site's layout. The 500 and 503 pages render without a request context on
purpose: whatever failed must not be able to fail again while the error is shown."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 page when what failed is the database being out of reach.

    Django calls this from inside the `except` that caught the error (in a view or in any
    middleware, such as the session load), so the exception is still at hand.
    """
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable()
    return HttpResponseServerError(loader.get_template("500.html").render())


def database_unavailable() -> HttpResponse:
    """A restart or failover of the database: temporary, and said so."""
    seconds = settings.DATABASE_RETRY_AFTER_SECONDS
    response = HttpResponse(
        loader.get_template("503.html").render({"seconds": seconds}), status=503
    )
    response["Retry-After"] = str(seconds)
    return response
