"""The privacy page, the "Your data" page (export), and account deletion."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from colorizer_site.accounts.services import preferences_of
from colorizer_site.privacy import exports, policy
from colorizer_site.privacy.deletion import delete_account
from colorizer_site.privacy.forms import DeleteAccountForm
from colorizer_site.privacy.models import DataExport

_EXPORTS_LISTED = 5


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "retention": policy.retention(),
        "storage_place": policy.storage_place(),
        "export_hours": settings.COLORIZER_EXPORT_RETENTION_HOURS,
    }
    return render(request, "privacy/privacy.html", context)


@login_required
@require_safe
def your_data(request: HttpRequest) -> HttpResponse:
    recent = list(DataExport.objects.filter(owner=request.user)[:_EXPORTS_LISTED])
    waiting = any(export.state == DataExport.State.PENDING for export in recent)
    context = {
        "exports": recent,
        "waiting": waiting,
        "export_hours": settings.COLORIZER_EXPORT_RETENTION_HOURS,
    }
    if request.htmx:
        response = render(request, "privacy/your_data.html#exports", context)
        # Nothing more to wait for: htmx stops polling on 286.
        if not waiting:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "privacy/your_data.html", context)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    exports.request_export(request.user)
    if preferences_of(request.user).email_when_ready:
        said = gettext(
            "Your export is being prepared. This page shows the link when it is ready, "
            "and we email it to you too."
        )
    else:
        said = gettext("Your export is being prepared. This page shows the link when it is ready.")
    messages.success(request, said)
    return redirect("privacy:your_data")


@login_required
@require_safe
def export_download(request: HttpRequest, export_id: str) -> HttpResponse:
    export = get_object_or_404(DataExport, export_id=export_id, owner=request.user)
    if not export.is_downloadable:
        return render(request, "privacy/export_gone.html", {"export": export}, status=410)
    day = export.created_at.strftime("%Y-%m-%d")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"colorizer-export-{day}.zip",
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(
            request,
            gettext(
                "Your account and all your photos have been deleted. "
                "You can sign up again with the same email at any time."
            ),
        )
        return redirect("web:home")
    return render(
        request,
        "privacy/delete_account.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
