from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from governance import signin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/login/verify/", signin.signin_verify, name="signin_verify"),
    path(
        "accounts/password_reset/",
        signin.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/two-factor/", signin.two_factor_manage, name="two_factor"),
    path("accounts/two-factor/setup/", signin.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        signin.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("accounts/two-factor/turn-off/", signin.two_factor_turn_off, name="two_factor_turn_off"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("b/<slug:board_slug>/", views.dashboard, name="dashboard"),
    path("b/<slug:board_slug>/members/", views.members_directory, name="members_directory"),
    path("b/<slug:board_slug>/meetings/", include("meetings.urls")),
    path("b/<slug:board_slug>/motions/", include("motions.urls")),
    path("b/<slug:board_slug>/budget/", include("budget.urls")),
    path("b/<slug:board_slug>/minutes/", include("minutes.urls")),
    path("b/<slug:board_slug>/actions/", include("actions.urls")),
]

if settings.BENCH:  # the benchmark suite's controls; see bench/README.md
    urlpatterns.append(path("bench/", include("bench.urls")))

handler403 = "governance.errors.permission_denied"
handler404 = "governance.errors.page_not_found"
handler500 = "governance.errors.server_error"
