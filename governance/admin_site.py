"""The admin site: one sign-in for the whole app, so the admin gets the same throttling and the
same second factor as every page. Its own login form only sends people to the app's."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from governance.two_factor import OPTIONAL, STATE_KEY


class BoardroomAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # The middleware already holds back whoever still owes a second factor; the admin checks
        # again on its own account: a code given in this session, or none needed.
        return super().has_permission(request) and (
            request.user.is_verified() or request.session.get(STATE_KEY) == OPTIONAL
        )

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name)
        )
