"""The OpenAPI document of both dialects, generated from the operation tables."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from colorizer_site.api.envelopes import absolute_base
from colorizer_site.api.spec.document import openapi_document


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        openapi_document(server_url=absolute_base(request)), json_dumps_params={"indent": 2}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
