"""Account pages of our own. Sign-up, log-in, email, password and two-factor pages are
django-allauth's (mounted beside these under /accounts/); the addresses the hand-written
pages used before that still lead somewhere sensible."""

from django.urls import path
from django.views.generic import RedirectView

from colorizer_site.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("preferences/", views.preferences, name="preferences"),
    # Addresses of the pages allauth replaced, for bookmarks and mails already sent.
    path("password/change/done/", RedirectView.as_view(pattern_name="accounts:profile")),
    path("password/reset/sent/", RedirectView.as_view(pattern_name="account_reset_password_done")),
    path("password/reset/complete/", RedirectView.as_view(pattern_name="account_login")),
    path("password/reset/<uidb64>/<token>/", views.old_password_reset_link),
]
