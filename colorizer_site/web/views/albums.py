"""Albums and captions on the pages: the album list and page, adding photos from the gallery,
a job page or a batch, facts of one photo or several, and captions as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from colorizer_site.jobs import albums, captions_csv, facts, sharing
from colorizer_site.jobs.batches import streamed_zip
from colorizer_site.jobs.models import Album, ColorizationJob
from colorizer_site.web.album_forms import (
    AddToAlbumForm,
    AlbumNameForm,
    CaptionsFileForm,
    FactsForm,
)
from colorizer_site.web.views.batches import owned_batch
from colorizer_site.web.views.jobs import owned_job

# Photos per page of an album: each shows its before and after.
ALBUM_PAGE_SIZE = 24


def owned_album(request: HttpRequest, album_id: str) -> Album:
    """The signed-in user's album, or 404: other people's albums do not exist for them."""
    return get_object_or_404(Album.objects.visible_to(request.user), album_id=album_id)


@login_required
@require_http_methods(["GET", "POST"])
def album_list(request: HttpRequest) -> HttpResponse:
    form = AlbumNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            album = albums.create_album(owner=request.user, name=form.cleaned_data["name"])
        except albums.InvalidAlbum as error:
            form.add_error("name", str(error))
        else:
            return redirect("web:album_detail", album_id=album.album_id)
    listed = albums.albums_of(request.user).annotate(
        photos=Count("entries", filter=Q(entries__job__deleted_at__isnull=True))
    )
    return render(request, "web/albums.html", {"albums": listed, "form": form})


@login_required
@require_safe
def album_detail(request: HttpRequest, album_id: str) -> HttpResponse:
    album = owned_album(request, album_id)
    page = Paginator(albums.photos_of(album), ALBUM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "album": album,
        "page": page,
        "photos": page.object_list,
        "rename_form": AlbumNameForm(initial={"name": album.name}),
        "captions_form": CaptionsFileForm(),
        "expiry_choices": sharing.EXPIRY_CHOICES,
        "share_links": [link for link in album.shares.all() if sharing.is_live(link)],
    }
    return render(request, "web/album_detail.html", context)


@login_required
@require_POST
def album_rename(request: HttpRequest, album_id: str) -> HttpResponse:
    album = owned_album(request, album_id)
    form = AlbumNameForm(request.POST)
    try:
        if not form.is_valid():
            raise albums.InvalidAlbum(_("Give the album a name."))
        albums.rename_album(album, name=form.cleaned_data["name"])
    except albums.InvalidAlbum as error:
        messages.error(request, str(error))
    return redirect("web:album_detail", album_id=album.album_id)


@login_required
@require_http_methods(["GET", "POST"])
def album_delete(request: HttpRequest, album_id: str) -> HttpResponse:
    album = owned_album(request, album_id)
    if request.method == "POST":
        albums.delete_album(album)
        messages.success(
            request,
            _("The album “%(name)s” is deleted; its photos are still in your gallery.")
            % {"name": album.name},
        )
        return redirect("web:album_list")
    return render(request, "web/album_confirm_delete.html", {"album": album})


@login_required
@require_POST
def album_photo(request: HttpRequest, album_id: str) -> HttpResponse:
    """Move a photo earlier or later in the album, or take it out (it stays in the gallery)."""
    album = owned_album(request, album_id)
    task_id = request.POST.get("task_id", "")
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            albums.remove_photos(album, task_ids=[task_id])
        elif action in ("earlier", "later"):
            albums.move_photo(album, task_id=task_id, offset=-1 if action == "earlier" else 1)
    except albums.InvalidAlbum as error:
        messages.error(request, str(error))
    return redirect(f"{reverse('web:album_detail', args=[album.album_id])}#photo-{task_id}")


@login_required
@require_safe
def album_download(request: HttpRequest, album_id: str) -> HttpResponse:
    """Every colorized photo of the album, captioned, with captions.csv, as one ZIP."""
    album = owned_album(request, album_id)
    return streamed_zip(albums.photos_of(album), f"{albums.download_stem(album)}.zip")


@login_required
@require_safe
def album_captions(request: HttpRequest, album_id: str) -> HttpResponse:
    album = owned_album(request, album_id)
    return _csv_response(albums.photos_of(album), f"captions-{albums.download_stem(album)}")


@login_required
@require_POST
def album_captions_import(request: HttpRequest, album_id: str) -> HttpResponse:
    album = owned_album(request, album_id)
    _import(request, albums.photos_of(album))
    return redirect("web:album_detail", album_id=album.album_id)


@login_required
@require_POST
def gallery_to_album(request: HttpRequest) -> HttpResponse:
    """Put the photos chosen in the gallery (or the one of a job page) into an album."""
    jobs = ColorizationJob.objects.visible_to(request.user).filter(
        task_id__in=request.POST.getlist("task_id")
    )
    form = AddToAlbumForm(request.POST, owner=request.user)
    back = request.POST.get("next") or "web:gallery"
    if not jobs.exists():
        messages.warning(request, _("Select the photos to put in an album first."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose an album."))
        return redirect(back)
    try:
        album = _chosen_album(request, form)
        added = albums.add_photos(album, jobs.order_by("created_at", "id"))
    except albums.InvalidAlbum as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d photo added to “%(name)s”.",
            "%(count)d photos added to “%(name)s”.",
            added,
        )
        % {"count": added, "name": album.name},
    )
    return redirect(back)


def _chosen_album(request: HttpRequest, form: AddToAlbumForm) -> Album:
    if form.cleaned_data.get("album"):
        return owned_album(request, form.cleaned_data["album"])
    return albums.create_album(owner=request.user, name=form.cleaned_data["new_album"])


@login_required
@require_POST
def gallery_facts(request: HttpRequest) -> HttpResponse:
    """The same facts for several photos at once; fields left empty change nothing."""
    task_ids = request.POST.getlist("task_id")
    form = FactsForm(request.POST)
    if not task_ids:
        messages.warning(request, _("Select the photos to describe first."))
    elif not form.is_valid():
        messages.error(request, _("Those facts are too long; shorten them and try again."))
    elif not form.changes(only_filled=True):
        messages.warning(request, _("Fill in at least one fact to give the selected photos."))
    else:
        try:
            count = facts.update_many(
                owner=request.user, task_ids=task_ids, changes=form.changes(only_filled=True)
            )
        except facts.InvalidFacts as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d photo updated.", "%(count)d photos updated.", count)
                % {"count": count},
            )
    return redirect(request.POST.get("next") or "web:gallery")


@login_required
@require_POST
def job_facts(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    form = FactsForm(request.POST)
    if form.is_valid():
        try:
            facts.save_facts(job, facts.Facts.from_mapping(form.changes()))
        except facts.InvalidFacts as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved. Downloads of this photo now carry these facts."))
    else:
        messages.error(request, _("Those facts are too long; shorten them and try again."))
    return redirect(f"{reverse('web:job_detail', args=[job.task_id])}#caption-title")


@login_required
@require_safe
def batch_captions(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = owned_batch(request, batch_id)
    jobs = batch.jobs.filter(deleted_at__isnull=True).select_related("facts").order_by("id")
    return _csv_response(jobs, f"captions-{batch.batch_id[:8]}")


@login_required
@require_POST
def batch_captions_import(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = owned_batch(request, batch_id)
    _import(request, batch.jobs.filter(deleted_at__isnull=True).order_by("id"))
    return redirect("web:batch_detail", batch_id=batch.batch_id)


@login_required
@require_POST
def batch_album(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = owned_batch(request, batch_id)
    form = AlbumNameForm(request.POST)
    try:
        if not form.is_valid():
            raise albums.InvalidAlbum(_("Give the album a name."))
        album = albums.album_from_batch(batch, name=form.cleaned_data["name"])
    except albums.InvalidAlbum as error:
        messages.error(request, str(error))
        return redirect("web:batch_detail", batch_id=batch.batch_id)
    return redirect("web:album_detail", album_id=album.album_id)


def _import(request: HttpRequest, jobs) -> None:
    form = CaptionsFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file of captions (at most 2 MB)."))
        return
    try:
        report = captions_csv.import_captions(jobs, form.cleaned_data["captions"])
    except captions_csv.InvalidCsv as error:
        messages.error(request, str(error))
        return
    messages.success(
        request,
        ngettext(
            "Captions saved for %(count)d photo.",
            "Captions saved for %(count)d photos.",
            report.updated,
        )
        % {"count": report.updated},
    )
    if report.unmatched:
        messages.warning(
            request,
            _("No photo here has these file names: %(names)s.")
            % {"names": ", ".join(report.unmatched[:20])},
        )
    for problem in report.problems[:10]:
        messages.error(request, problem)


def _csv_response(jobs, stem: str) -> HttpResponse:
    response = HttpResponse(
        captions_csv.export_captions(jobs), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
