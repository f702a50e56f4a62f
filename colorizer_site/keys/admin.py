from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from colorizer_site.keys.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by their owners; staff may only look (the hash is useless
    to them) and revoke through the owner's page or the shell."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    search_fields = ("name", "prefix", "user__email")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    exclude = ("secret_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
