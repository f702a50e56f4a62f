from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from colorizer_site.credits import purchases
from colorizer_site.credits.models import CreditEntry, Purchase
from colorizer_site.credits.payments import payment_provider, support_email

ENTRIES_PER_PAGE = 25


def _job_pages_exist() -> bool:
    # The job page belongs to the jobs app; until it is installed the ledger
    # shows the task id as plain text instead of a link.
    try:
        reverse("web:job_detail", args=["0" * 32])
    except NoReverseMatch:
        return False
    return True


@login_required
@require_safe
def ledger(request: HttpRequest) -> HttpResponse:
    entries = CreditEntry.objects.filter(user=request.user).select_related("job", "api_key")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/ledger.html",
        {"page": page, "link_jobs": _job_pages_exist(), "flagged": purchases.flagged(request.user)},
    )


@login_required
@require_safe
def receipts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "credits/receipts.html",
        {
            "purchases": Purchase.objects.filter(user=request.user),
            "flagged": purchases.flagged(request.user),
            "just_paid": request.GET.get("checkout") == "done",
        },
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, trusted only once their signature verifies (authenticated by the
    signature, not a session: hence CSRF-exempt)."""
    from colorizer_site.credits import stripe

    try:
        event = stripe.verified_event(request.body, request.headers.get("Stripe-Signature", ""))
    except stripe.InvalidStripeEvent:
        return JsonResponse({"error": "The signature does not verify."}, status=400)
    return JsonResponse({"received": True, "outcome": purchases.handle_event(event)})


@login_required
@require_safe
def buy(request: HttpRequest) -> HttpResponse:
    provider = payment_provider()
    context = {"provider": provider, "packs": provider.packs(), "support_email": support_email()}
    return render(request, "credits/buy.html", context)


@login_required
@require_POST
def checkout(request: HttpRequest, pack_id: str) -> HttpResponse:
    provider = payment_provider()
    pack = next((pack for pack in provider.packs() if pack.id == pack_id), None)
    if pack is None or not provider.takes_payments:
        raise Http404("No such credit pack for sale.")
    return provider.start_checkout(request, pack)
