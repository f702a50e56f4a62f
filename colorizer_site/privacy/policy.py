"""What the privacy page says, read from the settings in force, so the page can never
promise a retention the server does not keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class Retention:
    what: str
    kept: str


def _days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _hours(count: int) -> str:
    return ngettext("%(count)s hour", "%(count)s hours", count) % {"count": count}


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return _hours(seconds // 3600)
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def retention() -> list[Retention]:
    results = _days(settings.COLORIZER_RESULT_RETENTION_DAYS)
    return [
        Retention(
            gettext("Your original photos"),
            gettext(
                "%(time)s after the colorization finishes, or until you delete the photo "
                "from your gallery or delete your account, whichever comes first."
            )
            % {"time": results},
        ),
        Retention(
            gettext("Colorized results and their thumbnails"),
            gettext("%(time)s after they are made, on the same terms as the originals.")
            % {"time": results},
        ),
        Retention(
            gettext("Result links handed to programs (API)"),
            gettext("Each link works for %(time)s.")
            % {"time": _duration(settings.COLORIZER_RESULT_URL_MAX_AGE)},
        ),
        Retention(
            gettext("Data exports (the ZIP you ask for on the “Your data” page)"),
            gettext(
                "%(time)s after they are ready; then the file is deleted and the link stops "
                "working."
            )
            % {"time": _hours(settings.COLORIZER_EXPORT_RETENTION_HOURS)},
        ),
        Retention(
            gettext("The credit ledger and the list of jobs (dates, options, costs, states)"),
            gettext(
                "As long as the service keeps its accounts. When you delete your account they "
                "stay without your name, email, file names, URLs or photos, so the books "
                "still balance."
            ),
        ),
        Retention(
            gettext(
                "Failed log-in attempts (a fingerprint of the address tried and the network "
                "address, and the times)"
            ),
            gettext(
                "Used to slow down password guessing: %(limit)s failures lock that account "
                "from that network address for %(time)s; then they are forgotten."
            )
            % {
                "limit": settings.COLORIZER_LOGIN_FAILURE_LIMIT,
                "time": _duration(settings.COLORIZER_LOGIN_LOCKOUT_MINUTES * 60),
            },
        ),
        Retention(
            gettext("A fingerprint of an email address that received the free sign-up credits"),
            gettext(
                "For as long as the service runs, also after the account is deleted, so the "
                "free credits go to each address once. It is a keyed hash: it cannot be "
                "turned back into the address."
            ),
        ),
    ]


def storage_place() -> str:
    backend = settings.STORAGES["default"]["BACKEND"]
    if "s3" in backend.lower():
        return gettext("in an S3 object storage bucket run for this service")
    return gettext("on this server's disk")
