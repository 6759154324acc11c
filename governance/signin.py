"""Signing in: password, then (where the person has one) a second factor; throttling of
passwords, codes and password reset requests; reset mail sent off the request path.

The password step is Django's LoginView behind django-axes. A person with a second factor is not
logged in by the password alone: the session only remembers, for a few minutes, who passed it,
and `login()` happens once the code is right (so the session id is new at that moment too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models import Max, Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice

from governance import two_factor
from governance.models import User

PENDING_KEY = "signin_pending"


# -- Who is asking: used by django-axes and the reset throttle --------------------------------


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the peer's, or the one the trusted proxies say they forwarded.

    None when there is no valid address (a test request, a unix socket): nothing is counted
    against an address then, and a forged header cannot put garbage in the attempt log.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops and (address := _valid_address(chain[-hops])):
            return address
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    """Email addresses are one account whatever their case: count their failures together."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout: status 429, Retry-After, and until when, in words."""
    until = lockout_ends(request, credentials)
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {"until": until, "minutes": max(1, round(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def lockout_ends(request: HttpRequest, credentials: dict | None) -> dt.datetime:
    from axes.models import AccessAttempt

    who = Q(username=username_of(request, credentials))
    if address := client_address(request):
        who |= Q(ip_address=address)
    last = AccessAttempt.objects.filter(who).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def _locked(request: HttpRequest, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": username})


# -- The password step ------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    def form_valid(self, form):
        user = form.get_user()
        if two_factor.state_for(user) != two_factor.VERIFY:
            return super().form_valid(form)
        # Not logged in yet: remember who passed the password, for a few minutes.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("signin_verify")


@receiver(user_logged_in)
def decide_second_factor(sender, request, user, **kwargs) -> None:
    """Every login, whichever path made it, decides what the session owes (see two_factor)."""
    if request is not None and hasattr(request, "session"):
        request.session[two_factor.STATE_KEY] = two_factor.state_for(user)
        request.session.pop(PENDING_KEY, None)


# -- The second factor ------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = two_factor.normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Type the code your app shows, or a recovery code.")
        return code


def _pending_user(request: HttpRequest) -> tuple[User | None, dict]:
    """Who owes a code: the half-signed-in person, or a logged-in one not yet verified."""
    if request.user.is_authenticated:
        return (None if request.user.is_verified() else request.user), {}
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, {}
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _verify(user: User, code: str) -> tuple[object | None, dt.datetime | None]:
    """The device that accepts the code, or None and until when a device is throttled."""
    waits = []
    looks_like_app_code = code.isdigit() and len(code) == 6
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        allowed, detail = device.verify_is_allowed()
        if not allowed:
            waits.append((detail or {}).get("locked_until"))
            continue
        if isinstance(device, StaticDevice) == looks_like_app_code:
            continue  # six digits go to the app, anything else to the recovery codes
        if device.verify_token(code):
            return device, None
    return None, max((w for w in waits if w), default=None)


@login_not_required
@require_http_methods(["GET", "POST"])
def signin_verify(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.info(request, "Your sign-in took too long: give your password again.")
        return redirect("login")
    username = two_factor_username(user)
    if _locked(request, username):
        return locked_out(request, credentials={"username": username})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        with transaction.atomic():
            device, throttled_until = _verify(user, form.cleaned_data["code"])
        if device is not None:
            return _complete(request, user, device, pending)
        # A wrong code counts like a wrong password, per account and per address.
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        if _locked(request, username):
            return locked_out(request, credentials={"username": username})
        if throttled_until and throttled_until > timezone.now():
            form.add_error(
                "code",
                "Too many wrong codes in a row: wait until "
                f"{timezone.localtime(throttled_until):%H:%M:%S} before the next try.",
            )
        else:
            form.add_error(
                "code",
                "That code did not match. Codes change every 30 seconds: use the one shown "
                "now, and check that your phone's clock is right.",
            )
    return render(
        request,
        "registration/signin_verify.html",
        {"form": form, "person": user},
        status=422 if form.errors else 200,
    )


def two_factor_username(user: User) -> str:
    return user.get_username().strip().lower()


def _complete(request: HttpRequest, user: User, device, pending: dict) -> HttpResponse:
    if not request.user.is_authenticated:
        user.backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
        user.otp_device = device  # django-otp marks the new session verified at login()
        login(request, user)
    else:
        from django_otp import login as otp_login

        otp_login(request, device)
        request.session.cycle_key()
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        messages.warning(
            request,
            f"You signed in with a recovery code; {left} left. "
            + ("Make new ones on your profile." if left < 4 else ""),
        )
    target = pending.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


# -- Setting up and managing the second factor ------------------------------------------------


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from the app",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = two_factor.normalise_code(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Type the six digits the app shows, e.g. 123 456.")
        return code


def qr_svg(data: str) -> str:
    """The QR code as inline SVG, made here: no image service ever sees the secret."""
    return segno.make(data, error="m").svg_inline(
        omitsize=True,  # a viewBox: the stylesheet sizes it
        dark="#111",
        light="#fff",
        title="QR code to scan with your authenticator app",
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = two_factor.pending_app_for(user)
    form = ConfirmAppForm(request.POST or None)
    allowed, throttle = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        until = timezone.localtime((throttle or {}).get("locked_until") or timezone.now())
        form.add_error("code", f"Too many wrong codes in a row: wait until {until:%H:%M:%S}.")
    elif request.method == "POST" and form.is_valid():
        codes = two_factor.app_confirm(user=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            from django_otp import login as otp_login

            device.refresh_from_db()
            otp_login(request, device)
            request.session[two_factor.STATE_KEY] = two_factor.VERIFY
            request.session["fresh_recovery_codes"] = codes
            messages.success(request, "Two-factor sign-in is on.")
            return redirect("two_factor")
        form.add_error(
            "code",
            "That code did not match. Scan the QR code again, or check that your phone's clock "
            "is right, then type the code the app shows now.",
        )
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": mark_safe(qr_svg(device.config_url)),  # noqa: S308 - segno's own SVG
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_factor.required_for(user),
            "enrolled": request.session.get(two_factor.STATE_KEY) == two_factor.VERIFY,
        },
        status=422 if form.errors else 200,
    )


def two_factor_manage(request: HttpRequest) -> HttpResponse:
    """Is it on, how many recovery codes are left; new codes are shown here once."""
    codes = request.session.pop("fresh_recovery_codes", None)
    return render(
        request,
        "registration/two_factor.html",
        {
            "codes": [f"{code[:5]}-{code[5:]}" for code in codes or []],
            "status": two_factor.status_of(request.user),
            "turn_off_form": TurnOffForm(user=request.user),
        },
    )


@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("two_factor_setup")
    request.session["fresh_recovery_codes"] = two_factor.recovery_codes_renew(user=request.user)
    messages.success(request, "New recovery codes made: the old ones no longer work.")
    return redirect("two_factor")


class TurnOffForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@require_POST
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor.required_for(user):
        messages.error(
            request,
            "Your role on the board requires two-factor sign-in, so it stays on. To use "
            "another phone, set up the app again.",
        )
        return redirect("two_factor")
    form = TurnOffForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, "Two-factor sign-in is still on: " + form.errors["password"][0])
        return redirect("two_factor")
    two_factor.two_factor_remove(user=user, actor=user)
    request.session[two_factor.STATE_KEY] = two_factor.OPTIONAL
    messages.success(request, "Two-factor sign-in is off. Your password alone now signs you in.")
    return redirect("two_factor")


# -- Password reset: throttled, and mailed by a task ------------------------------------------


@task
def password_reset_mail(*, email: str, domain: str, use_https: bool) -> None:
    """Runs in the worker: looks the address up and mails whoever has it (maybe nobody)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        # Whether the address has an account is decided in the worker, so a known and an
        # unknown address cost the request exactly the same.
        password_reset_mail.enqueue(
            email=self.cleaned_data["email"],
            domain=domain_override or request.get_host(),
            use_https=use_https,
        )


def reset_throttle(request: HttpRequest, email: str) -> dt.datetime | None:
    """Counts this request; returns until when the email or the client is held back, if so."""
    now = time.time()
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    held_until = None
    for kind, who, limit in (
        ("email", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_EMAIL),
        ("address", client_address(request), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
    ):
        if who is None:
            continue
        key = "reset-throttle:" + hashlib.sha256(f"{kind}:{who}".encode()).hexdigest()
        started = cache.get_or_set(f"{key}:start", now, timeout=window)
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, count := 1, timeout=window)
        if count > limit:
            ends = dt.datetime.fromtimestamp(started + window, tz=dt.UTC)
            held_until = max(held_until or ends, ends)
    return held_until


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        held_until = reset_throttle(self.request, form.cleaned_data["email"])
        if held_until is not None:
            form.add_error(
                None,
                "Too many reset requests for this address or from your network. Try again "
                f"after {timezone.localtime(held_until):%H:%M %Z}.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(max(1, int(held_until.timestamp() - time.time())))
            return response
        return super().form_valid(form)
