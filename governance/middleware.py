import zoneinfo

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse
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


class TwoFactorMiddleware:
    """Holds back a signed-in person who still owes a second factor: one who has a device gives
    a code, an officer without one sets one up. Nothing else is reachable until then.

    The decision was made at login (governance.signin) and lives in the session; a session from
    before it existed is decided on its first request.
    """

    ALLOWED = frozenset({"signin_verify", "two_factor_setup", "two_factor", "logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from governance import two_factor

        user = request.user
        if user.is_authenticated and not user.is_verified():
            state = request.session.get(two_factor.STATE_KEY)
            if state is None:
                state = request.session[two_factor.STATE_KEY] = two_factor.state_for(user)
            if state != two_factor.OPTIONAL:
                match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
                if match is None or match.url_name not in self.ALLOWED:
                    target = "signin_verify" if state == two_factor.VERIFY else "two_factor_setup"
                    response = redirect_to_login(request.get_full_path(), reverse(target))
                    if request.headers.get("HX-Request"):
                        # htmx would swap the sign-in page into a fragment: reload instead.
                        response = HttpResponse(status=204)
                        response["HX-Redirect"] = reverse(target)
                    return response
        return self.get_response(request)


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None
