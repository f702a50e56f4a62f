"""Wallets and ledger entries in the admin, read-only: every change must go
through `credits.services` (use `manage.py grant_credits`), so the ledger and
the balances can never disagree."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from colorizer_site.credits.models import CreditEntry, Wallet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__email",)
    ordering = ("user__email",)


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "delta", "balance_after", "memo", "job")
    list_filter = ("kind",)
    search_fields = ("user__email", "memo", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("user", "job")
