from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from colorizer_site.accounts.models import User


@admin.register(User)
class ColorizerUserAdmin(UserAdmin):
    # username mirrors email (see User.save), so the admin works in emails only.
    list_display = ("email", "is_active", "is_staff", "date_joined", "last_login")
    search_fields = ("email",)
    ordering = ("-date_joined",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    # Set only by the owner deleting the account (privacy.deletion).
    readonly_fields = ("deleted_at",)
    list_filter = (*UserAdmin.list_filter, ("deleted_at", admin.EmptyFieldListFilter))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
