"""The gallery: the user's jobs, newest first, with filters and (bulk) deletion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from colorizer_site.jobs import files
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.web.views.jobs import owned_job

State = ColorizationJob.State
FILTERS = {
    "succeeded": (_("Succeeded"), Q(state=State.SUCCEEDED)),
    "failed": (_("Failed"), Q(state__lt=0)),
    "in_progress": (_("In progress"), Q(state__in=[State.QUEUED, State.PROCESSING])),
}
PAGE_SIZE = 12


@login_required
@require_safe
def gallery(request: HttpRequest) -> HttpResponse:
    jobs = ColorizationJob.objects.visible_to(request.user)
    status = request.GET.get("status", "")
    # A filter lists every matching job; "All" groups refinements under their original.
    jobs = jobs.filter(FILTERS[status][1]) if status in FILTERS else grouped_by_original(jobs)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status if status in FILTERS else "",
        "filters": [(key, label) for key, (label, _) in FILTERS.items()],
    }
    return render(request, "web/gallery.html", context)


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
