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
