"""Wallets and ledger entries in the admin, read-only: every change goes through
`credits.services`, so the ledger and the balances can never disagree. Staff
grant credits with the "Grant credits" action on wallets (or
`manage.py grant_credits`), which writes a proper ledger entry."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from colorizer_site.credits import services
from colorizer_site.credits.models import CreditEntry, Wallet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GrantForm(forms.Form):
    amount = forms.IntegerField(min_value=1, max_value=1_000_000, label=_("Credits to grant"))
    memo = forms.CharField(
        label=_("Memo"),
        max_length=200,
        required=False,
        help_text=_("Shown to the user in their ledger, e.g. “Invoice 2024-17”."),
    )


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__email",)
    ordering = ("user__email",)
    actions = ["grant_credits"]

    def has_grant_permission(self, request: HttpRequest) -> bool:
        # Granting adds ledger entries, so it takes the permission to add them.
        return request.user.has_perm("credits.add_creditentry")

    @admin.action(description=_("Grant credits to the selected users"), permissions=["grant"])
    def grant_credits(
        self, request: HttpRequest, queryset: QuerySet[Wallet]
    ) -> HttpResponse | None:
        form = GrantForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            wallets = list(queryset.select_related("user"))
            memo = form.cleaned_data["memo"] or f"Granted by {request.user.email}"
            for wallet in wallets:
                services.grant(user=wallet.user, amount=form.cleaned_data["amount"], memo=memo)
            self.message_user(
                request,
                gettext("Granted %(amount)s credits to %(count)s user(s).")
                % {"amount": form.cleaned_data["amount"], "count": len(wallets)},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/credits/grant_credits.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Grant credits"),
                "opts": self.model._meta,
                "form": form,
                "wallets": queryset.select_related("user"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "delta", "balance_after", "memo", "job")
    list_filter = ("kind",)
    search_fields = ("user__email", "memo", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("user", "job")
