"""A batch's page: every photo's state in one poll, overall progress, and the ZIP of results."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseStopPolling

from colorizer_site.jobs import sharing
from colorizer_site.jobs.batch_status import batch_status
from colorizer_site.jobs.batches import zip_response
from colorizer_site.jobs.models import Album, Batch
from colorizer_site.web.album_forms import CaptionsFileForm
from colorizer_site.web.job_forms import FORMAT_CHOICES


def owned_batch(request: HttpRequest, batch_id: str) -> Batch:
    """The signed-in user's batch, or 404: other people's batches do not exist for them."""
    return get_object_or_404(Batch.objects.visible_to(request.user), batch_id=batch_id)


@login_required
@require_safe
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    status = batch_status(owned_batch(request, batch_id))
    output = status.batch.options.get("output_format", "jpeg")
    context = {
        "status": status,
        "batch": status.batch,
        "output_label": dict(FORMAT_CHOICES).get(output, output.upper()),
        "expiry_choices": sharing.EXPIRY_CHOICES,
    }
    if not request.htmx:
        context["captions_form"] = CaptionsFileForm()
        context["batch_albums"] = Album.objects.filter(entries__job__batch=status.batch).distinct()
    if request.htmx:
        # One request refreshes every photo of the batch; 286 stops polling at the end.
        response = render(request, "web/batch_detail.html#progress", context)
        if status.is_finished:
            return HttpResponseStopPolling(response.content)
        return response
    return render(request, "web/batch_detail.html", context)


@login_required
@require_safe
def batch_download(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Every result of the batch as one ZIP, built while it downloads."""
    return zip_response(owned_batch(request, batch_id))
