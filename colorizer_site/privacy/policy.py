"""What the privacy page says, read from the settings in force, so the page can never
promise a retention the server does not keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Retention:
    what: str
    kept: str


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _hours(count: int) -> str:
    return f"{count} hour{'s' if count != 1 else ''}"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return _hours(seconds // 3600)
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def retention() -> list[Retention]:
    results = _days(settings.COLORIZER_RESULT_RETENTION_DAYS)
    return [
        Retention(
            "Your original photos",
            f"{results} after the colorization finishes, or until you delete the photo "
            "from your gallery or delete your account, whichever comes first.",
        ),
        Retention(
            "Colorized results and their thumbnails",
            f"{results} after they are made, on the same terms as the originals.",
        ),
        Retention(
            "Result links handed to programs (API)",
            f"Each link works for {_duration(settings.COLORIZER_RESULT_URL_MAX_AGE)}.",
        ),
        Retention(
            "Data exports (the ZIP you ask for on the “Your data” page)",
            f"{_hours(settings.COLORIZER_EXPORT_RETENTION_HOURS)} after they are ready; "
            "then the file is deleted and the link stops working.",
        ),
        Retention(
            "The credit ledger and the list of jobs (dates, options, costs, states)",
            "As long as the service keeps its accounts. When you delete your account they "
            "stay without your name, email, file names, URLs or photos, so the books "
            "still balance.",
        ),
        Retention(
            "Failed log-in attempts (a fingerprint of the address tried and the network "
            "address, and the times)",
            f"Used to slow down password guessing: {settings.COLORIZER_LOGIN_FAILURE_LIMIT} "
            "failures lock that account from that network address for "
            f"{_duration(settings.COLORIZER_LOGIN_LOCKOUT_MINUTES * 60)}; then they are "
            "forgotten.",
        ),
        Retention(
            "A fingerprint of an email address that received the free sign-up credits",
            "For as long as the service runs, also after the account is deleted, so the "
            "free credits go to each address once. It is a keyed hash: it cannot be "
            "turned back into the address.",
        ),
    ]


def storage_place() -> str:
    backend = settings.STORAGES["default"]["BACKEND"]
    if "s3" in backend.lower():
        return "in an S3 object storage bucket run for this service"
    return "on this server's disk"
