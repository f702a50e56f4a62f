from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    """Users sign in with their email address; `username` mirrors it."""

    def create_user(self, email: str, password: str | None = None, **extra):  # type: ignore[override]
        email = self.normalize_email(email)
        extra.setdefault("username", email)
        return super().create_user(email=email, password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):  # type: ignore[override]
        email = self.normalize_email(email)
        extra.setdefault("username", email)
        return super().create_superuser(email=email, password=password, **extra)


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    # Set when the owner deleted the account: the row stays, stripped of everything
    # personal, so the jobs and ledger that point at it still add up.
    deleted_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def save(self, *args, **kwargs) -> None:
        # The email is the identity; keeping username equal avoids a second,
        # confusable name and keeps Django's admin and password reset working.
        self.username = self.email
        super().save(*args, **kwargs)


class Preferences(models.Model):
    """What a person chose about being told things: one row per user, made on first save."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    email_when_ready = models.BooleanField(
        _("Email me when a batch or a data export is ready"), default=True
    )
    # A code of settings.LANGUAGES; blank follows the browser (Accept-Language).
    language = models.CharField(_("Language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"
