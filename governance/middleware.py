import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control


class ViewerTimezoneMiddleware:
    """Shows times in the viewer's own time zone (their profile's, else the site's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "timezone", "") if request.user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answers `/healthz` first, before the HTTPS redirect and the host check.

    A container's health check calls the app over plain HTTP on its own address, whatever
    `SECURE_SSL_REDIRECT` and `ALLOWED_HOSTS` say for the public name; the answer carries no URL
    and no board content, so neither rule protects anything here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            from governance.views import healthz

            return healthz(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Board pages and exports are for one signed-in person: no browser or proxy keeps a copy.

    Static files never reach this (WhiteNoise answers them earlier, with long cache lifetimes).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response
