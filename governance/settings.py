"""Boardroom settings, read from the environment.

Every setting a deployment may change is documented in README.md; a bad value fails loudly at
start-up rather than being guessed at.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# manage.py sets BOARDROOM_DEV so that the Quickstart runs with no configuration; the WSGI entry
# point does not, so a production server never starts in debug by accident.
DEVELOPMENT = env_bool("BOARDROOM_DEV", default=False)
DEBUG = env_bool("DEBUG", default=DEVELOPMENT)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with Boardroom's site: sign-in through the app's own two-step login.
    "governance.apps.BoardroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "governance",
    "meetings",
    "motions",
    "budget",
    "minutes",
    "actions",
]

MIDDLEWARE = [
    # First: /healthz answers before the HTTPS redirect and the host check (see middleware.py).
    "governance.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache lifetimes.
    "governance.middleware.PrivatePagesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the session and the user load: an unchanged live poll with a valid pass is
    # answered in one query (meetings/live_pass.py); everything else passes through.
    "meetings.live_pass.UnchangedPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "governance.middleware.TwoFactorMiddleware",
    "governance.middleware.ViewerTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
            ],
            "builtins": ["governance.templatetags.boardroom"],
        },
    },
]

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'boardroom.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must fail the request quickly (the 503 page), not hold a
    # worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # A live meeting has several people writing at once: WAL lets readers carry on while one
    # writer commits, IMMEDIATE takes the write lock at BEGIN (no upgrade deadlock), and the
    # busy timeout makes a second writer wait rather than fail with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "governance.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in. django-axes counts failed passwords (and second-factor codes) per account and per
# address and locks either out for a while; the lockout page says until when.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "governance.signin.username_of"
AXES_CLIENT_IP_CALLABLE = "governance.signin.client_address"
AXES_LOCKOUT_CALLABLE = "governance.signin.locked_out"
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For (0: use the peer's address).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Password reset requests: per address asked for and per client address, in one hour.
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
PASSWORD_RESET_WINDOW_SECONDS = 3600
# Two-factor sign-in (django-otp): required of chairs, secretaries and staff unless off here.
TWO_FACTOR_REQUIRED_FOR_OFFICERS = env_bool("TWO_FACTOR_REQUIRED_FOR_OFFICERS", default=True)
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Boardroom")
# Nobody, staff included, reads another person's authenticator secret (governance/device_admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A sign-in that has passed the password has this long to give its second factor.
TWO_FACTOR_PENDING_SECONDS = 300

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("BOARDROOM_PLAIN_STATIC", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Under manage.py (development, the demo) WhiteNoise serves the static files straight from their
# directories, so that the demo works with DEBUG off and without collectstatic.
WHITENOISE_USE_FINDERS = DEVELOPMENT

# Email (password resets): SMTP in production, the console while developing.
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "boardroom@localhost")
# Mail leaves the request path through Django's tasks: in debug it is sent at once; in
# production a worker (`manage.py db_worker`) sends what the database queue holds.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG or env_bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything the pages run is a file under static/: no inline script or style, no other origin.
# htmx is told not to inject its indicator <style> (see base.html's htmx-config).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# How long a client is told to wait when the database is unreachable (the 503 page).
DATABASE_RETRY_AFTER_SECONDS = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# HTML, JSON and CSV are compressed (static files are precompressed by WhiteNoise, which answers
# before this runs). GZipMiddleware sets `Vary: Accept-Encoding` and pads each body against
# BREACH; CSRF tokens are masked per response as well.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "django.middleware.gzip.GZipMiddleware",
)


def cache_from_url(url: str) -> dict:
    """CACHES["default"] from CACHE_URL: redis://host:port/db, db://table, locmem:// or empty.

    Renders shared by every member's live view live here, so a deployment with more than one
    process (or machine) sets a shared one: Redis, or PostgreSQL's own table (run
    `manage.py createcachetable` once).
    """
    scheme, separator, rest = url.partition("://")
    if not url or (separator and scheme == "locmem"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if separator and scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db" and rest:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest}
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://host:port/db, db://table or locmem://, not {url!r}"
    )


def session_engine_for(cache: dict) -> str:
    """Sessions are read from a shared in-memory cache (Redis), written through to the database:
    every signed-in page then loads its session without a query. Not from a process's own
    memory (a logout in one worker would leave the session alive in another's), nor from the
    database cache (the same query by another road)."""
    if cache["BACKEND"].endswith(".RedisCache"):
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}
# Deployments (or benchmark runs) sharing one Redis keep apart by prefix.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "")
SESSION_ENGINE = session_engine_for(CACHES["default"])

# The benchmark suite's controls and per-request query counts (bench/). Never on in production:
# `python -m bench` sets it for the servers it starts.
BENCH = env_bool("BENCH", default=False)
if BENCH:
    INSTALLED_APPS.append("bench")
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")
