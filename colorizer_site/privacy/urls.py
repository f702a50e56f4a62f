from django.urls import path

from colorizer_site.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/data/", views.your_data, name="your_data"),
    path("accounts/data/export/", views.export_request, name="export_request"),
    path(
        "accounts/data/exports/<str:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
    path("accounts/delete/", views.account_delete, name="account_delete"),
]
