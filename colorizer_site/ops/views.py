from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from colorizer_site.ops import health, metrics
from colorizer_site.ops.access import operators_only


@never_cache
@require_GET
@operators_only
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker beats, else 503 (for load balancers)."""
    healthy, report = health.health()
    return JsonResponse(report, status=200 if healthy else 503)


@never_cache
@require_GET
@operators_only
def metrics_text(request: HttpRequest) -> HttpResponse:
    return HttpResponse(metrics.render(), content_type=metrics.CONTENT_TYPE)
