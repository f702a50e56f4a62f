"""A job's page (live progress, comparison, downloads, re-run) and its owner-only files."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from colorizer_site.engine.hints import MAX_HINTS, VIVIDNESS_RANGE
from colorizer_site.engine.preview import DEFAULT_PREVIEW_SIZE
from colorizer_site.jobs import (
    addon_refunds,
    adjustments,
    facts,
    files,
    options,
    photo_kinds,
    progress,
    services,
    sharing,
    stored_sentences,
)
from colorizer_site.jobs.endings import cancel_job, refunded_credits
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions, job_cost
from colorizer_site.lib.errors import DomainError
from colorizer_site.web.album_forms import AddToAlbumForm, FactsForm
from colorizer_site.web.job_forms import FORMAT_CHOICES, OptionsForm

DOWNLOAD_FORMATS = {value for value, _ in FORMAT_CHOICES}


def owned_job(request: HttpRequest, task_id: str) -> ColorizationJob:
    """The signed-in user's job, or 404: other people's jobs do not exist for them."""
    return get_object_or_404(ColorizationJob.objects.visible_to(request.user), task_id=task_id)


@login_required
@require_safe
def job_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    context = {
        "job": job,
        "refunded": refunded_credits(job) if job.failed else 0,
        "stage_label": progress.stage_label(job.stage),
        "queue": progress.queue_state(job),
        "poll_delay_ms": progress.poll_delay_ms(job),
        "notes": [stored_sentences.read(note) for note in addon_refunds.job_notes(job)],
        "addon_refund": addon_refunds.refunded_addon_credits(job),
        "options_form": OptionsForm(initial=job.options),
        "download_formats": FORMAT_CHOICES,
        **adjust_context(job),
        **photo_kind_context(job),
    }
    # Also for the live update: the share card appears when the job turns Done.
    context["share_links"] = [link for link in job.shares.all() if sharing.is_live(link)]
    context["expiry_choices"] = sharing.EXPIRY_CHOICES
    if not request.htmx:
        context["facts_form"] = FactsForm(initial=facts.facts_of(job).as_form())
        context["add_form"] = AddToAlbumForm(owner=request.user)
        context["job_albums"] = list(job.albums.all())
    if request.htmx:
        response = render(request, "web/job_detail.html#progress", context)
        if job.is_finished:
            # 286 tells htmx to stop polling; the final state is still swapped in.
            return HttpResponseStopPolling(response.content)
        return response
    return render(request, "web/job_detail.html", context)


@login_required
@require_POST
def job_rerun(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    form = OptionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Those options are not available; pick them again."))
        return redirect("web:job_detail", task_id=job.task_id)
    try:
        new_job = services.rerun_job(job, options=form.job_options())
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("web:job_detail", task_id=job.task_id)
    return redirect("web:job_detail", task_id=new_job.task_id)


@login_required
@require_POST
def job_cancel(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    try:
        job = cancel_job(job)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if job.is_finished:
            messages.success(request, gettext("Cancelled; the credits are back in your balance."))
    return redirect("web:job_detail", task_id=job.task_id)


@login_required
@require_safe
def job_input(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    try:
        data, content_type = files.before_image(job)
    except FileNotFoundError as error:
        raise Http404("The original is no longer stored.") from error
    return _image_response(data, content_type)


@login_required
@require_safe
def job_result(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    if not job.result_file:
        raise Http404("No result.")
    data = files.read(job.result_file)
    return _image_response(data, job.result_meta.get("content_type", "image/jpeg"))


@login_required
@require_safe
def job_thumbnail(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    if not job.thumbnail:
        raise Http404("No thumbnail.")
    return _image_response(files.read(job.thumbnail), "image/webp")


@login_required
@require_safe
def job_input_thumbnail(request: HttpRequest, task_id: str) -> HttpResponse:
    """A small picture of the photo while it is worked on (the upload may be a 60-megapixel
    TIFF no browser shows)."""
    try:
        data = progress.input_thumbnail(owned_job(request, task_id))
    except FileNotFoundError as error:
        raise Http404("No preview of this photo.") from error
    return _image_response(data, "image/webp")


@login_required
@require_safe
def job_download(request: HttpRequest, task_id: str, output_format: str) -> HttpResponse:
    job = owned_job(request, task_id)
    if not job.result_file or output_format not in DOWNLOAD_FORMATS:
        raise Http404("No such download.")
    data, content_type = files.captioned_result(job, output_format)
    extension = "jpg" if output_format == "jpeg" else output_format
    response = _image_response(data, content_type)
    response["Content-Disposition"] = f'attachment; filename="colorized-{job.task_id}.{extension}"'
    return response


def adjust_context(job: ColorizationJob) -> dict:
    """What the "Adjust colours" panel needs; empty when the job cannot be adjusted."""
    if not adjustments.can_adjust(job):
        return {"can_adjust": False}
    return {
        "can_adjust": True,
        "pins_json": json.dumps(job.options.get("hints", [])),
        "vividness": adjustments.chosen_vividness(job),
        "vividness_is_default": job.options.get("vividness") is None,
        "vividness_range": VIVIDNESS_RANGE,
        "max_hints": MAX_HINTS,
        "preview_size": DEFAULT_PREVIEW_SIZE,
        "apply_cost": job_cost(JobOptions.from_job(job)),
    }


def photo_kind_context(job: ColorizationJob) -> dict:
    """The job's mode, the kind of photo the worker found, and a word when they do not fit."""
    mode = job.options.get("mode", options.DEFAULT_MODE)
    kind = job.result_meta.get("photo_kind") or None
    return {
        "mode_label": options.MODE_LABELS.get(mode, mode),
        "photo_kind": kind,
        "photo_kind_label": photo_kinds.LABELS.get(kind, "") if kind else "",
        "kind_advice": photo_kinds.mismatch_advice(mode, kind),
    }


def _image_response(data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    # Private: these are one user's photos, never for shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    return response
