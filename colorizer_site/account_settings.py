"""Sign-up, sign-in, two-factor and social sign-in settings (django-allauth), read by
settings.py; apart because they are one concern and the main file was too long."""

import os

from colorizer_site.environment import env_bool, env_int

# django-allauth (docs/accounts.md). People sign in with their email address, which
# must be verified before they can sign in at all: only then can sign-up answer the
# same whether or not the address already has an account (no enumeration).
ACCOUNT_ADAPTER = "colorizer_site.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None  # User.save keeps username equal to the email
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one once it is verified
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
# A reset asked for an address without an account sends nothing (the page says the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Colorizer: "
ACCOUNT_FORMS = {
    "login": "colorizer_site.accounts.forms.LoginForm",
    "signup": "colorizer_site.accounts.forms.SignupForm",
}
# The one throttle on signing in: allauth's rate limits, kept in the shared cache so they
# hold across every web process. They cover each step (password, authenticator codes,
# reset, sign-up, verification mails), where a second mechanism would see only the
# password. Failed log-ins count per address *and* client IP (the adapter's key), so a
# stranger cannot lock the owner out from elsewhere; 10 a minute per IP caps a sweep.
COLORIZER_LOGIN_FAILURE_LIMIT = env_int("COLORIZER_LOGIN_FAILURE_LIMIT", 5)
COLORIZER_LOGIN_LOCKOUT_MINUTES = 15
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"10/m/ip,{COLORIZER_LOGIN_FAILURE_LIMIT}/{COLORIZER_LOGIN_LOCKOUT_MINUTES}m/key"
    )
}

# Two-factor sign-in: authenticator apps (TOTP) with recovery codes, and passkeys, which
# also sign in on their own. WebAuthn needs a secure context: HTTPS, or localhost.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Colorizer"
# A code of the period before or after also counts: phones' clocks drift. Each code
# still works once (allauth remembers used codes for the whole window).
MFA_TOTP_TOLERANCE = 1
# Only the tests' live server (plain http on 127.0.0.1) turns this on.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("COLORIZER_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)

# Sign-in with Google, GitHub or Microsoft: each provider is on only when the operator
# sets its client id and secret (docs/accounts.md); with none set, no provider is
# installed and nothing outside is ever contacted.
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
SOCIAL_PROVIDER_APPS: list[str] = []  # settings.py adds them to INSTALLED_APPS
for _provider, _prefix in (
    ("google", "COLORIZER_GOOGLE"),
    ("github", "COLORIZER_GITHUB"),
    ("microsoft", "COLORIZER_MICROSOFT"),
):
    _client_id = os.environ.get(f"{_prefix}_CLIENT_ID", "")
    _secret = os.environ.get(f"{_prefix}_SECRET", "")
    if _client_id and _secret:
        SOCIAL_PROVIDER_APPS.append(f"allauth.socialaccount.providers.{_provider}")
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret}]
        }
if "microsoft" in SOCIALACCOUNT_PROVIDERS:
    # "common": personal and work accounts; an organisation may name its tenant instead.
    SOCIALACCOUNT_PROVIDERS["microsoft"]["TENANT"] = os.environ.get(
        "COLORIZER_MICROSOFT_TENANT", "common"
    )
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never sign in to an account by email match alone
SOCIALACCOUNT_STORE_TOKENS = False
