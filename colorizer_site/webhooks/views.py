"""The Webhooks page: endpoints, their recent deliveries, resend and test events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from colorizer_site.lib.errors import DomainError, show_on_form
from colorizer_site.webhooks import services
from colorizer_site.webhooks.forms import EndpointForm
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint


def _page(request: HttpRequest, form: EndpointForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "endpoints": WebhookEndpoint.objects.filter(owner=request.user),
        "deliveries": services.recent_deliveries(request.user),
        "callback_secret": services.callback_secret(request.user),
        "retries": services.retry_words(),
        "disable_after": services.disable_words(),
    }
    return render(request, "webhooks/endpoints.html", context, status=status)


@login_required
@require_safe
@never_cache
def endpoint_list(request: HttpRequest) -> HttpResponse:
    return _page(request, EndpointForm())


@login_required
@require_POST
@never_cache
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = services.create_endpoint(owner=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            # Rendered from the POST: the only page that shows the secret.
            return render(request, "webhooks/created.html", {"endpoint": endpoint})
    return _page(request, form, status=400)


@login_required
@require_POST
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, id=endpoint_id, owner=request.user)
    services.delete_endpoint(endpoint)
    messages.success(request, gettext("The endpoint %(url)s is deleted.") % {"url": endpoint.url})
    return redirect("webhooks:list")


@login_required
@require_POST
def endpoint_enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, id=endpoint_id, owner=request.user)
    services.enable_endpoint(endpoint)
    messages.success(
        request, gettext("The endpoint %(url)s receives events again.") % {"url": endpoint.url}
    )
    return redirect("webhooks:list")


@login_required
@require_POST
def endpoint_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, id=endpoint_id, owner=request.user)
    services.send_test_event(endpoint)
    messages.success(
        request, gettext("A test event is on its way to %(url)s.") % {"url": endpoint.url}
    )
    return redirect("webhooks:list")


@login_required
@require_POST
def delivery_resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, id=delivery_id, owner=request.user)
    services.resend(delivery)
    messages.success(
        request, gettext("The %(event)s event is sent again.") % {"event": delivery.event_type}
    )
    return redirect("webhooks:list")
