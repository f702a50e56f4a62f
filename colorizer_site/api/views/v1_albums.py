"""The colorize dialect's captions and albums: a task's facts read and changed, albums
listed, created and filled."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from colorizer_site.api.bodies import album_name, fact_changes, json_object, task_ids
from colorizer_site.api.decorators import credits_header, rate_limited
from colorizer_site.api.envelopes import absolute_base
from colorizer_site.api.errors import V1, ApiError, renders_errors
from colorizer_site.jobs import albums, facts
from colorizer_site.jobs.models import Album, ColorizationJob
from colorizer_site.jobs.task_data import listed_task
from colorizer_site.keys.decorators import api_key_required


@require_http_methods(["GET", "PATCH"])
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def task(request: HttpRequest, task_id: str) -> HttpResponse:
    job = ColorizationJob.objects.visible_to(request.user).filter(task_id=task_id).first()
    if job is None:
        raise ApiError(404, "No task with this task_id belongs to your account.")
    if request.method == "PATCH":
        facts.update_facts(job, fact_changes(json_object(request)))
    return JsonResponse(
        {
            **listed_task(job, base_url=absolute_base(request)),
            "facts": facts.facts_data(job),
            "albums": list(job.albums.values_list("album_id", flat=True)),
        }
    )


@require_http_methods(["GET", "POST"])
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def album_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        body = json_object(request)
        name, ids = album_name(body), task_ids(body, required=False)
        album = albums.create_album(owner=request.user, name=name, jobs=_in_order(request, ids))
        return JsonResponse(_album(album), status=201)
    listed = albums.albums_of(request.user).annotate(
        photos=Count("entries", filter=Q(entries__job__deleted_at__isnull=True))
    )
    return JsonResponse({"albums": [_album(album, with_tasks=False) for album in listed]})


@require_GET
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def album_detail(request: HttpRequest, album_id: str) -> HttpResponse:
    return JsonResponse(_album(_own_album(request, album_id)))


@require_POST
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def album_tasks(request: HttpRequest, album_id: str) -> HttpResponse:
    album = _own_album(request, album_id)
    ids = task_ids(json_object(request), required=True)
    albums.add_photos(album, _in_order(request, ids))
    return JsonResponse(_album(album))


def _own_album(request: HttpRequest, album_id: str) -> Album:
    album = Album.objects.visible_to(request.user).filter(album_id=album_id).first()
    if album is None:
        raise ApiError(404, "No album with this album_id belongs to your account.")
    return album


def _in_order(request: HttpRequest, ids: list[str]):
    """The caller's tasks among `ids`, in the order given (others' are not found)."""
    order = Case(*(When(task_id=task_id, then=index) for index, task_id in enumerate(ids)))
    return (
        ColorizationJob.objects.visible_to(request.user)
        .filter(task_id__in=ids)
        .order_by(order if ids else "id")
    )


def _album(album: Album, *, with_tasks: bool = True) -> dict[str, Any]:
    ids = list(albums.photos_of(album).values_list("task_id", flat=True)) if with_tasks else []
    photos = getattr(album, "photos", None)
    return {
        "album_id": album.album_id,
        "name": album.name,
        "created_at": int(album.created_at.timestamp()),
        "photos": photos if photos is not None else len(ids),
        "task_ids": ids,
    }
