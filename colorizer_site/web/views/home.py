from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the landing page; signed-in users the colorize form."""
    return render(request, "web/home.html")
