"""Colorizer's choices inside django-allauth's flows (ACCOUNT_ADAPTER)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed log-ins per address; counting per address *and* client IP
        # keeps a stranger who types wrong passwords for someone else's address from
        # locking its owner out (ACCOUNT_RATE_LIMITS["login_failed"] in settings). The
        # per-IP part of that rate still caps one address guessing across many accounts.
        per_address = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{per_address}:{self.get_client_ip(request)}"
