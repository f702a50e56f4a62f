"""Settings for Colorizer, read from the environment with laptop-safe defaults.

With nothing set, the site runs on SQLite and local media under ./var, with the
bundled models. `DEBUG` defaults to off; `make run` turns it on for local use.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from colorizer_site.environment import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COLORIZER_VAR_DIR", BASE_DIR / "var"))


def _persistent_secret_key() -> str:
    # A fresh install gets its own random key, kept under var/ so sessions and
    # API key hashes survive restarts; production sets SECRET_KEY explicitly.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Accounts (docs/accounts.md): sign-up, log-in, email verification, two-factor and
    # passkeys. Social providers join below only when an operator configures them.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "colorizer_site.accounts",
    "colorizer_site.credits",
    "colorizer_site.keys",
    "colorizer_site.jobs",
    "colorizer_site.api",
    "colorizer_site.webhooks",
    "colorizer_site.notices",
    "colorizer_site.privacy",
    "colorizer_site.ops",
    "colorizer_site.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so every answer carries the policy, refusals by later middleware included.
    "csp.middleware.CSPMiddleware",
    # Before everything that can refuse a request: under /api/ a refusal is JSON.
    "colorizer_site.api.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language (docs/languages.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language beats the cookie and the browser's wish.
    "colorizer_site.accounts.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "colorizer_site.urls"
WSGI_APPLICATION = "colorizer_site.wsgi.application"

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
                "colorizer_site.credits.context_processors.balance",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The default SQLite file lives under var/, which must exist whether or not
    # SECRET_KEY came from the environment (only the generated key creates it).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'colorizer.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share one SQLite file: WAL lets readers go on
    # while the other process writes, and the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Shared by every process (web server, workers), unlike the local-memory
    # cache: rate limits and log-in throttling must hold across them.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "colorizer_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # The admin's own log-in form and `force_login` in tests.
    "django.contrib.auth.backends.ModelBackend",
    # Log-in by email, passkeys and social accounts (django-allauth).
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

from colorizer_site.account_settings import *  # noqa: E402, F403
from colorizer_site.account_settings import SOCIAL_PROVIDER_APPS  # noqa: E402

INSTALLED_APPS += SOCIAL_PROVIDER_APPS

# English is the source language and the default (tests assert English text); the
# others come from locale/ (docs/languages.md). Names are in their own language, as a
# switcher must show them to someone who cannot read the current one.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates on pages use the named formats (DATE_FORMAT, SHORT_DATETIME_FORMAT, ...) so each
# language writes them its own way; English's are the project's own (colorizer_site/formats/).
FORMAT_MODULE_PATH = ["colorizer_site.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site root (favicon.ico, which browsers ask for there).
WHITENOISE_ROOT = BASE_DIR / "public"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Django's, minus the partial file a failed write (a full disk) would leave.
    "default": {"BACKEND": "colorizer_site.jobs.storage.CleanFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("COLORIZER_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["COLORIZER_S3_BUCKET"],
            "endpoint_url": os.environ.get("COLORIZER_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("COLORIZER_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# With the file-based backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# each mail is a file in this folder: the local stack's virtual users read their links there.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Colorizer <colorizer@localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("COLORIZER_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Production hardening whenever DEBUG is off; each can be relaxed from the
# environment for a deployment behind a proxy that terminates TLS differently.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Links in account emails (verification, password reset) use the scheme the site is served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_SSL_REDIRECT else "http"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Load balancers and Prometheus probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds the domain and every subdomain
# to HTTPS for months and cannot be undone quickly, so it stays the operator's
# explicit choice; until they make it, the deploy check need not nag.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): scripts and styles only from our own static
# files, never inline or eval'd; images also from blob: (previews of a chosen file or
# an adjusted photo) and data: (the empty favicon). form-action is left open: the
# Stripe provider answers a form post with a redirect to Stripe's own page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
if env_bool("COLORIZER_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Sign-in throttling counts per client address: the one the proxy saw, not the proxy's.
    ALLAUTH_TRUSTED_PROXY_COUNT = 1

DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event on stderr, with what an operator needs to grep several processes'
    # output together (systemd's journal, or the stack's var/stack/logs/).
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s pid=%(process)d %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Colorizer's own settings -------------------------------------------------

COLORIZER_SIGNUP_CREDITS = env_int("COLORIZER_SIGNUP_CREDITS", 3)
# Whom users write to about credits (the "Buy credits" page); empty: the first of ADMINS.
COLORIZER_SUPPORT_EMAIL = os.environ.get("COLORIZER_SUPPORT_EMAIL", "")
COLORIZER_MAX_LIVE_API_KEYS = 20
# Credit packs on the "Buy credits" page: (credits, price in cents, currency).
COLORIZER_CREDIT_PACKS = [
    {"credits": 10, "price_cents": 500, "currency": "USD"},
    {"credits": 50, "price_cents": 2000, "currency": "USD"},
    {"credits": 200, "price_cents": 6000, "currency": "USD"},
]
# Stripe Checkout (the `stripe` extra): with a secret key it becomes the default provider.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Another server speaking Stripe's API (the tests' own); empty for Stripe itself.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Which Stripe Price each pack sells at: "10:price_123,50:price_456" (credits:price id).
COLORIZER_STRIPE_PRICES = {
    int(credits): price.strip()
    for credits, _, price in (
        item.partition(":")
        for item in os.environ.get("COLORIZER_STRIPE_PRICES", "").split(",")
        if item.strip()
    )
}
COLORIZER_PAYMENT_PROVIDER = os.environ.get(
    "COLORIZER_PAYMENT_PROVIDER",
    "colorizer_site.credits.payments."
    + ("StripeCheckoutProvider" if STRIPE_SECRET_KEY else "ManualGrantProvider"),
)

# Image limits, shared by the engine, the pages and both API dialects.
# The pages' and /api/v1/colorize's limits (jobs.limits; the task dialect keeps its published
# 4096x4096 and 20 MB): 600 dpi flatbed scans, colorized at full size a strip at a time
# (bench/large_scan.py: a 60-megapixel scan peaks under 0.8 GB). 16383 is WebP's largest side;
# Pillow itself refuses images past about 89 megapixels as decompression bombs.
COLORIZER_MAX_IMAGE_PIXELS = env_int("COLORIZER_MAX_IMAGE_PIXELS", 60_000_000)
COLORIZER_MAX_IMAGE_SIDE = env_int("COLORIZER_MAX_IMAGE_SIDE", 16383)
COLORIZER_MAX_UPLOAD_BYTES = env_int("COLORIZER_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)

# Models users can choose; each names an engine model entry. The bundled own
# models need no download; third-party ones come from `manage.py fetch_models`.
COLORIZER_MODELS_DIR = Path(os.environ.get("COLORIZER_MODELS_DIR", VAR_DIR / "models"))
COLORIZER_MODEL_CHOICES = {
    "tiny": os.environ.get("COLORIZER_TINY_MODEL", "own-tiny"),
    "large": os.environ.get("COLORIZER_LARGE_MODEL", "own-large"),
}
COLORIZER_ONNX_THREADS = env_int("COLORIZER_ONNX_THREADS", 2)

# Jobs.
COLORIZER_JOB_TIMEOUT_SECONDS = env_int("COLORIZER_JOB_TIMEOUT_SECONDS", 600)
# A queued job nobody took within this long (its queue entry lost, say) is failed and refunded.
COLORIZER_QUEUE_TIMEOUT_SECONDS = env_int("COLORIZER_QUEUE_TIMEOUT_SECONDS", 24 * 3600)
# Each worker writes its heartbeat row this often; /healthz shows the age of each.
COLORIZER_HEARTBEAT_SECONDS = float(os.environ.get("COLORIZER_HEARTBEAT_SECONDS", "5"))
COLORIZER_RESULT_URL_MAX_AGE = env_int("COLORIZER_RESULT_URL_MAX_AGE", 3600)
COLORIZER_RESULT_RETENTION_DAYS = env_int("COLORIZER_RESULT_RETENTION_DAYS", 30)
# A data export's ZIP (the "Your data" page) and its link last this long.
COLORIZER_EXPORT_RETENTION_HOURS = env_int("COLORIZER_EXPORT_RETENTION_HOURS", 48)
# "Adjust colours": free previews and palettes, per user, in fixed windows.
COLORIZER_PREVIEW_LIMIT = env_int("COLORIZER_PREVIEW_LIMIT", 40)
COLORIZER_PREVIEW_WINDOW_SECONDS = env_int("COLORIZER_PREVIEW_WINDOW_SECONDS", 10)

# API.
COLORIZER_SYNC_WAIT_SECONDS = env_int("COLORIZER_SYNC_WAIT_SECONDS", 60)
COLORIZER_RATE_LIMIT_PER_SECOND = float(os.environ.get("COLORIZER_RATE_LIMIT_PER_SECOND", "2"))
COLORIZER_RATE_LIMIT_BURST = env_int("COLORIZER_RATE_LIMIT_BURST", 10)
COLORIZER_URL_FETCH_TIMEOUT = float(os.environ.get("COLORIZER_URL_FETCH_TIMEOUT", "10"))
COLORIZER_URL_FETCH_MAX_REDIRECTS = 3
# Batches (the colorize page's many files and ZIPs, and POST /api/v1/batches): photos per
# batch, files or ZIP members, and all of them together (a ZIP's members unpacked).
COLORIZER_BATCH_MAX_PHOTOS = env_int("COLORIZER_BATCH_MAX_PHOTOS", 200)
COLORIZER_BATCH_MAX_BYTES = env_int("COLORIZER_BATCH_MAX_BYTES", 1024 * 1024 * 1024)
# Django refuses requests with more files than this; room for a full batch plus a few ZIPs.
DATA_UPLOAD_MAX_NUMBER_FILES = COLORIZER_BATCH_MAX_PHOTOS + 20

# Webhooks (the worker sends them). Links inside deliveries start with the site's URL.
COLORIZER_SITE_URL = os.environ.get("COLORIZER_SITE_URL", "http://127.0.0.1:8000")
COLORIZER_WEBHOOK_POLL_SECONDS = float(os.environ.get("COLORIZER_WEBHOOK_POLL_SECONDS", "1"))
COLORIZER_WEBHOOK_TIMEOUT = float(os.environ.get("COLORIZER_WEBHOOK_TIMEOUT", "10"))
# Seconds before each retry after a failed attempt; then the delivery is marked failed.
COLORIZER_WEBHOOK_RETRY_SCHEDULE = [5, 60, 600, 3600, 6 * 3600]
# A worker that dies mid-send leaves its deliveries to others after this long.
COLORIZER_WEBHOOK_LEASE_SECONDS = env_int("COLORIZER_WEBHOOK_LEASE_SECONDS", 60)
# An endpoint with no successful delivery for this long is disabled, and its owner told.
COLORIZER_WEBHOOK_DISABLE_AFTER_HOURS = env_int("COLORIZER_WEBHOOK_DISABLE_AFTER_HOURS", 72)
# Email notices when a batch or a data export is ready (the notices app; the worker sends
# them): how often it looks, and the seconds before each retry of a failed send, after
# which the notice is marked failed (and kept).
COLORIZER_NOTICE_POLL_SECONDS = float(os.environ.get("COLORIZER_NOTICE_POLL_SECONDS", "5"))
COLORIZER_NOTICE_RETRY_SCHEDULE = [60, 300, 1800, 3 * 3600, 12 * 3600]
# Only tests turn this on, so URL fetching can reach their own local server.
COLORIZER_URL_FETCH_ALLOW_LOOPBACK = env_bool("COLORIZER_URL_FETCH_ALLOW_LOOPBACK", False)

# /healthz and /metrics: open to these client addresses, or to anyone sending
# "Authorization: Bearer <COLORIZER_OPS_TOKEN>" when a token is set. Behind a proxy
# every request comes from the proxy's address, so use the token there.
COLORIZER_OPS_ALLOWED_ADDRESSES = env_list("COLORIZER_OPS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])
COLORIZER_OPS_TOKEN = os.environ.get("COLORIZER_OPS_TOKEN", "")
