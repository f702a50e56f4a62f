"""The colorize form: the home page of a signed-in user."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from colorizer_site.credits.services import InsufficientCredits, balance_of
from colorizer_site.engine.errors import EngineError, InvalidOptions, ModelNotInstalled
from colorizer_site.jobs import services
from colorizer_site.jobs.fetching import ImageFetchError
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.web.job_forms import ColorizeForm


def colorize_page(
    request: HttpRequest, form: ColorizeForm | None = None, status: int = 200
) -> HttpResponse:
    """Render the form; the home view calls this for signed-in users."""
    balance = balance_of(request.user)
    cheapest = services.job_cost(services.JobOptions())
    context = {
        "form": form or ColorizeForm(),
        "balance": balance,
        "base_cost": cheapest,
        "short_of_credits": balance < cheapest,
        "max_bytes": settings.COLORIZER_MAX_UPLOAD_BYTES,
    }
    return render(request, "web/colorize.html", context, status=status)


@login_required
@require_POST
def colorize(request: HttpRequest) -> HttpResponse:
    form = ColorizeForm(request.POST, request.FILES)
    if form.is_valid():
        # Every check below runs before the charge, so an error here has cost nothing.
        image_field = "image" if form.cleaned_data["image"] else "image_url"
        try:
            job = _submit(request, form)
        except ImageFetchError as error:
            form.add_error("image_url", str(error))
        except ModelNotInstalled as error:
            form.add_error("model", str(error))
        except InvalidOptions as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except EngineError as error:
            form.add_error(image_field, str(error))
        except services.InvalidJobOptions as error:
            form.add_error(None, str(error))
        except InsufficientCredits as error:
            form.add_error(None, str(error))
        else:
            return redirect("web:job_detail", task_id=job.task_id)
    return colorize_page(request, form, status=400)


def _submit(request: HttpRequest, form: ColorizeForm) -> ColorizationJob:
    options = form.job_options()
    upload = form.cleaned_data["image"]
    return services.submit_job_from_photo(
        data=upload.read() if upload else b"",
        url="" if upload else form.cleaned_data["image_url"],
        filename=upload.name if upload else "",
        owner=request.user,
        options=options,
    )
