from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


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
