from django.urls import path

from colorizer_site.ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_text, name="metrics"),
]
