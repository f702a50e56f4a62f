"""Test settings: the real settings with a PostgreSQL database and fast hashing.

The whole suite runs on PostgreSQL (the production database, and the one whose
row locks the concurrency tests exercise). `make test` makes sure the server on
127.0.0.1:5432 is up; TEST_DATABASE_URL points elsewhere.
"""

import os

import dj_database_url

os.environ.setdefault(
    "COLORIZER_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from colorizer_site.settings import *  # noqa: F403
from colorizer_site.settings import VAR_DIR

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/colorizer")
    )
}
# The real PostgreSQL backend; only the flush after a transactional test differs.
DATABASES["default"]["ENGINE"] = "tests.postgres_backend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The live test server speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"

COLORIZER_URL_FETCH_ALLOW_LOOPBACK = True
# Passkeys on the live server's plain-HTTP origin (Chromium treats localhost as secure).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
