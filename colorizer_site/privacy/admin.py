from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from colorizer_site.privacy.models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Exports are asked for by their owners and built by the worker; staff may look
    (a stuck or failed one), not download or change them."""

    list_display = ("export_id", "owner", "state", "size", "photos", "created_at", "expires_at")
    list_filter = ("state",)
    search_fields = ("export_id", "owner__email")
    exclude = ("file",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
