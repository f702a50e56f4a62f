"""The colorize form: the home page of a signed-in user; one photo, or a batch of many."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from colorizer_site.credits.services import balance_of
from colorizer_site.engine import formats
from colorizer_site.jobs import albums, batches, captions_csv, options, photo_kinds, services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions, job_cost
from colorizer_site.jobs.uploads import uploads_to_temporary_files
from colorizer_site.lib.errors import DomainError, show_on_form
from colorizer_site.web.job_forms import ColorizeForm


def colorize_page(
    request: HttpRequest, form: ColorizeForm | None = None, status: int = 200
) -> HttpResponse:
    """Render the form; the home view calls this for signed-in users."""
    balance = balance_of(request.user)
    cheapest = job_cost(JobOptions())
    context = {
        "form": form or ColorizeForm(),
        "balance": balance,
        "base_cost": cheapest,
        "short_of_credits": balance < cheapest,
        "max_bytes": settings.COLORIZER_MAX_UPLOAD_BYTES,
        "batch_max_photos": settings.COLORIZER_BATCH_MAX_PHOTOS,
        "photo_extensions": " ".join(formats.input_extensions()),
        "mode_options": _mode_options(form or ColorizeForm()),
    }
    return render(request, "web/colorize.html", context, status=status)


def _mode_options(form: ColorizeForm) -> list[tuple]:
    """Each mode's radio button beside the sentence that says when to choose it."""
    return [(radio, options.MODE_HELP[radio.data["value"]]) for radio in form["mode"]]


@login_required
@require_POST
def photo_kind(request: HttpRequest) -> HttpResponse:
    """What kind of photo was chosen, before anything is paid: the page sends a small copy
    (or the file itself when the browser cannot draw it) and preselects the fitting mode."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "Send the photo in the image field."}, status=400)
    if upload.size > settings.COLORIZER_MAX_UPLOAD_BYTES:
        return JsonResponse({"error": "The file is larger than the upload limit."}, status=400)
    try:
        verdict = photo_kinds.detect(upload.read())
    except DomainError as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    return JsonResponse(verdict.as_dict())


# A batch's files stream to temporary files; the handlers are swapped before the CSRF
# check reads the form, hence exempt outside and protected inside.
@csrf_exempt
@login_required
@require_POST
@uploads_to_temporary_files
@csrf_protect
def colorize(request: HttpRequest) -> HttpResponse:
    form = ColorizeForm(request.POST, request.FILES)
    if form.is_valid() and form.is_batch:
        return _submit_batch(request, form)
    if form.is_valid():
        # Every check below runs before the charge, so an error here has cost nothing.
        photo_field = "image" if form.cleaned_data["image"] else "image_url"
        try:
            job = _submit(request, form)
        except DomainError as error:
            show_on_form(form, error, photo_field=photo_field)
        else:
            _organise(request, form, ColorizationJob.objects.filter(id=job.id))
            return redirect("web:job_detail", task_id=job.task_id)
    return colorize_page(request, form, status=400)


def _submit_batch(request: HttpRequest, form: ColorizeForm) -> HttpResponse:
    """Many photos, or ZIP archives: one batch, charged whole or refused whole."""
    try:
        sources, skipped = batches.sources_from_files(form.cleaned_data["image"])
        batch = batches.submit_batch(
            owner=request.user,
            sources=sources,
            skipped=skipped,
            options=form.job_options(),
            strict=False,
            source=ColorizationJob.Source.WEB,
        )
    except DomainError as error:
        show_on_form(form, error, photo_field="image")
    else:
        album = _organise(request, form, batch.jobs.order_by("id"))
        if album is not None:
            return redirect("web:album_detail", album_id=album.album_id)
        return redirect("web:batch_detail", batch_id=batch.batch_id)
    return colorize_page(request, form, status=400)


def _organise(request: HttpRequest, form: ColorizeForm, jobs: QuerySet[ColorizationJob]):
    """After the upload: the captions from its CSV and the new album it asked for, if any.

    The photos are charged and queued by now; a captions file that cannot be read only
    warns, and can be imported again from the batch or album page.
    """
    if form.cleaned_data.get("captions"):
        try:
            report = captions_csv.import_captions(jobs, form.cleaned_data["captions"])
        except captions_csv.InvalidCsv as error:
            messages.warning(request, str(error))
        else:
            if report.unmatched:
                messages.warning(
                    request,
                    _("No photo of this upload has these file names: %(names)s.")
                    % {"names": ", ".join(report.unmatched[:20])},
                )
    name = (form.cleaned_data.get("album_name") or "").strip()
    if not name:
        return None
    try:
        return albums.create_album(owner=request.user, name=name, jobs=jobs)
    except albums.InvalidAlbum as error:
        messages.warning(request, str(error))
        return None


def _submit(request: HttpRequest, form: ColorizeForm) -> ColorizationJob:
    options = form.job_options()
    uploads = form.cleaned_data["image"]
    upload = uploads[0] if uploads else None
    return services.submit_job_from_photo(
        data=upload.read() if upload else b"",
        url="" if upload else form.cleaned_data["image_url"],
        filename=upload.name if upload else "",
        owner=request.user,
        options=options,
    )
