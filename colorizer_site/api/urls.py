from django.urls import path

from colorizer_site.api import results

app_name = "api"

urlpatterns: list = [
    # Signed, expiring result links (owned by the jobs app, see jobs.services.result_url).
    path("results/<str:token>", results.result, name="result"),
]
