"""A test-only URLconf: the whole site plus one tiny view behind the decorator."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from colorizer_site.keys.decorators import api_key_required
from colorizer_site.urls import urlpatterns as site_urlpatterns


@api_key_required
def whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"email": request.user.email, "key": request.api_key.name})


def _envelope(request: HttpRequest, message: str) -> JsonResponse:
    return JsonResponse({"status": 401, "message": message, "data": {}}, status=401)


@api_key_required(on_failure=_envelope)
def whoami_enveloped(request: HttpRequest) -> JsonResponse:
    data = {"email": request.user.email}
    return JsonResponse({"status": 200, "message": "success", "data": data})


urlpatterns = [
    path("test/whoami", whoami),
    path("test/whoami-enveloped", whoami_enveloped),
    *site_urlpatterns,
]
