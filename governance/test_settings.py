"""Settings for the test suite: the real settings, made quick and self-contained."""

import os

os.environ.setdefault("BOARDROOM_DEV", "1")

from governance.settings import *  # noqa: E402, F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The suite's cast logs in with force_login; tests of the officers' second factor turn it on.
TWO_FACTOR_REQUIRED_FOR_OFFICERS = False
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: with an in-memory database Django hands the browser tests' live
    # server the test's own connection, and a page polling while the test writes then uses one
    # SQLite connection from two threads at once ("bad parameter or other API misuse", or rows
    # of one query read by the other). In shared memory where the system has it; one file per
    # process (each pytest-xdist worker, each concurrent run).
    import tempfile
    from pathlib import Path

    _shm = Path("/dev/shm")  # noqa: S108 - a file name of our own per process, test data only
    _where = _shm if _shm.is_dir() and os.access(_shm, os.W_OK) else Path(tempfile.gettempdir())
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_where / f"boardroom-test-{os.getpid()}.sqlite3")
    }
