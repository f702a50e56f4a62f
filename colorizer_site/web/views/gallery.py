"""The gallery: the user's jobs, newest first, searched and filtered (by state, album, batch,
years), with bulk actions (delete, put in an album, give facts)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from colorizer_site.jobs import albums, facts, files
from colorizer_site.jobs.models import Album, Batch, ColorizationJob
from colorizer_site.web.album_forms import AddToAlbumForm, FactsForm, GallerySearchForm
from colorizer_site.web.views.jobs import owned_job

State = ColorizationJob.State
FILTERS = {
    "succeeded": (_("Succeeded"), Q(state=State.SUCCEEDED)),
    "failed": (_("Failed"), Q(state__lt=0)),
    "in_progress": (_("In progress"), Q(state__in=[State.QUEUED, State.PROCESSING])),
}
PAGE_SIZE = 12
# The gallery lists the newest batches; older ones are a filter away from their photos.
RECENT_BATCHES = 8


@login_required
@require_safe
def gallery(request: HttpRequest) -> HttpResponse:
    jobs = ColorizationJob.objects.visible_to(request.user).select_related("facts")
    status = request.GET.get("status", "")
    search = GallerySearchForm(request.GET)
    query = search.cleaned_data if search.is_valid() else {}
    album = _chosen(Album, request, "album_id", query.get("album"))
    batch = _chosen(Batch, request, "batch_id", query.get("batch"))
    searching = any(query.get(name) for name in ("q", "year_from", "year_to")) or album or batch
    if album is not None:
        jobs = albums.photos_of(album)
    elif batch is not None:
        jobs = jobs.filter(batch=batch)
    jobs = facts.search(jobs, query.get("q") or "")
    jobs = facts.in_years(jobs, year_from=query.get("year_from"), year_to=query.get("year_to"))
    # A filter or a search lists every matching job; "All" groups refinements under
    # their original.
    if status in FILTERS:
        jobs = jobs.filter(FILTERS[status][1])
    elif not searching:
        jobs = grouped_by_original(jobs)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status if status in FILTERS else "",
        "filters": [(key, label) for key, (label, _) in FILTERS.items()],
        "search": search,
        "searching": searching,
        "album": album,
        "batch": batch,
        "albums": albums.albums_of(request.user).annotate(
            photos=Count("entries", filter=Q(entries__job__deleted_at__isnull=True))
        ),
        "batches": Batch.objects.visible_to(request.user).annotate(
            photos=Count("jobs", filter=Q(jobs__deleted_at__isnull=True))
        )[:RECENT_BATCHES],
        "page_query": _without_page(request),
        "add_form": AddToAlbumForm(owner=request.user),
        "facts_form": FactsForm(),
    }
    return render(request, "web/gallery.html", context)


def _chosen(model, request: HttpRequest, id_field: str, value: str | None):
    """The user's album or batch named in the filter; None when none is (404: not theirs)."""
    if not value:
        return None
    return get_object_or_404(model.objects.visible_to(request.user), **{id_field: value})


def _without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def grouped_by_original(jobs: QuerySet[ColorizationJob]) -> QuerySet[ColorizationJob]:
    """Originals only, each with its refinements (oldest first) as `shown_versions`; a
    refinement whose original was deleted stands on its own."""
    versions = ColorizationJob.objects.in_gallery().order_by("created_at")
    standing = Q(original__isnull=True) | Q(original__deleted_at__isnull=False)
    return jobs.filter(standing).prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="shown_versions")
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_delete(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    if request.method == "POST":
        return _delete(request, [job.task_id])
    return render(request, "web/job_confirm_delete.html", {"jobs": [job]})


@login_required
@require_POST
def gallery_delete(request: HttpRequest) -> HttpResponse:
    """Bulk delete: the first POST asks for confirmation, the second (confirm=yes) deletes."""
    task_ids = request.POST.getlist("task_id")
    jobs = list(ColorizationJob.objects.visible_to(request.user).filter(task_id__in=task_ids))
    if not jobs:
        messages.warning(request, gettext("Select the photos to delete first."))
        return redirect("web:gallery")
    if request.POST.get("confirm") != "yes":
        return render(request, "web/job_confirm_delete.html", {"jobs": jobs})
    return _delete(request, [job.task_id for job in jobs])


def _delete(request: HttpRequest, task_ids: list[str]) -> HttpResponse:
    deleted = files.delete_jobs(owner=request.user, task_ids=task_ids)
    skipped = len(task_ids) - deleted
    if deleted:
        messages.success(
            request,
            ngettext("Deleted %(count)s photo.", "Deleted %(count)s photos.", deleted)
            % {"count": deleted},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s photo is still being colorized and cannot be deleted yet.",
                "%(count)s photos are still being colorized and cannot be deleted yet.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect("web:gallery")
