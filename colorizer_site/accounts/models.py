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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def save(self, *args, **kwargs) -> None:
        # The email is the identity; keeping username equal avoids a second,
        # confusable name and keeps Django's admin and password reset working.
        self.username = self.email
        super().save(*args, **kwargs)
