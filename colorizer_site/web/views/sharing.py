"""Share links: the owner makes and revokes them; anyone holding one sees a read-only page.

The public views answer 404 for every link that does not open (wrong, revoked,
expired, photo removed), the same page whatever the reason, and tell search
engines to stay away (`noindex` in the page and in an X-Robots-Tag header).

That 404 is the site's own page also when DEBUG is on (the `make run` default):
a revoked link is a normal outcome a stranger meets, not a developer's error, and
Django's debug 404 would show them every URL pattern of the site.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from colorizer_site.jobs import albums, files, sharing
from colorizer_site.jobs.batches import streamed_zip, zip_response
from colorizer_site.jobs.models import Album, Batch, ShareLink
from colorizer_site.lib.errors import DomainError
from colorizer_site.web.views.jobs import owned_job

View = Callable[..., HttpResponse]


def public_share(view: View) -> View:
    """Resolve the token (404 when it does not open) and mark the answer private and unindexed."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: object, **kwargs: object) -> HttpResponse:
        try:
            link = sharing.open_share(token, count_view=view.__name__ == "shared")
            response = view(request, link, token, *args, **kwargs)
        except (sharing.ShareNotFound, Http404):
            response = render(request, "404.html", status=404)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token is in the path: never hand it to another site in a Referer header.
        response["Referrer-Policy"] = "no-referrer"
        # A revoked link must stop working, so nothing may be kept by shared caches.
        response.setdefault("Cache-Control", "private, no-cache")
        return response

    return wrapper


def _shared_job_or_404(link: ShareLink, task_id: str | None):
    try:
        return sharing.shared_job(link, task_id)
    except sharing.ShareNotFound as error:
        raise Http404("No such photo behind this link.") from error


@require_safe
@public_share
def shared(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    if link.job is None:
        photos = list(sharing.shared_photos(link).select_related("facts"))
        return render(
            request, "web/shared_batch.html", {"link": link, "token": token, "photos": photos}
        )
    return _photo_page(request, link, token, link.job)


@require_safe
@public_share
def shared_photo(request: HttpRequest, link: ShareLink, token: str, task_id: str) -> HttpResponse:
    return _photo_page(request, link, token, _shared_job_or_404(link, task_id))


def _photo_page(request: HttpRequest, link: ShareLink, token: str, job) -> HttpResponse:
    context = {
        "link": link,
        "token": token,
        "job": job,
        "back_url": reverse("web:shared", args=[token]) if link.job is None else "",
    }
    return render(request, "web/shared.html", context)


@require_safe
@public_share
def shared_image(
    request: HttpRequest, link: ShareLink, token: str, task_id: str, side: str
) -> HttpResponse:
    job = _shared_job_or_404(link, task_id)
    if side == "after":
        data, content_type = files.read(job.result_file), job.result_meta["content_type"]
    elif side == "before":
        data, content_type = sharing.public_before_image(job)
    elif side == "thumbnail" and job.thumbnail:
        data, content_type = files.read(job.thumbnail), "image/webp"
    else:
        raise Http404("No such image.")
    return HttpResponse(data, content_type=content_type)


@require_safe
@public_share
def shared_download(
    request: HttpRequest, link: ShareLink, token: str, task_id: str
) -> HttpResponse:
    job = _shared_job_or_404(link, task_id)
    output_format = job.result_meta["format"]
    data, content_type = files.captioned_result(job, output_format)
    extension = "jpg" if output_format == "jpeg" else output_format
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="colorized-{job.task_id[:8]}.{extension}"'
    )
    return response


@require_safe
@public_share
def shared_zip(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """Every photo of a shared batch or album as one ZIP, built while it downloads."""
    if link.job is not None:
        raise Http404("Only a link to several photos has a ZIP.")
    if link.album is not None:
        return streamed_zip(sharing.shared_photos(link), f"{albums.download_stem(link.album)}.zip")
    return zip_response(link.batch)


@login_required
@require_POST
def share_job(request: HttpRequest, task_id: str) -> HttpResponse:
    return _create(request, job=owned_job(request, task_id))


@login_required
@require_POST
def share_album(request: HttpRequest, album_id: str) -> HttpResponse:
    album = get_object_or_404(Album.objects.visible_to(request.user), album_id=album_id)
    return _create(request, album=album)


@login_required
@require_POST
def share_batch(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = get_object_or_404(Batch.objects.visible_to(request.user), batch_id=batch_id)
    return _create(request, batch=batch)


def _create(request: HttpRequest, **target: object) -> HttpResponse:
    expiry = request.POST.get("expires_in_days", "")
    try:
        link, _ = sharing.create_share(
            owner=request.user,
            expires_in_days=int(expiry) if expiry.isdigit() else None,
            **target,
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(request.POST.get("next") or "web:shares")
    messages.success(request, gettext("Your link is ready: copy it below and send it to anyone."))
    return redirect(f"{reverse('web:shares')}#share-{link.id}")


@login_required
@require_safe
def shares(request: HttpRequest) -> HttpResponse:
    links = [
        {"link": link, "live": sharing.is_live(link), "url": _absolute_link(request, link)}
        for link in sharing.links_of(request.user)
    ]
    return render(request, "web/shares.html", {"links": links})


@login_required
@require_POST
def share_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(ShareLink, id=link_id, owner=request.user)
    sharing.revoke_share(link)
    messages.success(request, gettext("The link is revoked; it no longer opens for anyone."))
    return redirect("web:shares")


def _absolute_link(request: HttpRequest, link: ShareLink) -> str:
    return request.build_absolute_uri(reverse("web:shared", args=[link.token]))
