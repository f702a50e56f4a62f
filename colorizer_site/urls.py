from django.contrib import admin
from django.urls import include, path

from colorizer_site.api.views import docs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("colorizer_site.privacy.urls")),
    path("accounts/", include("colorizer_site.accounts.urls")),
    path("credits/", include("colorizer_site.credits.urls")),
    path("keys/", include("colorizer_site.keys.urls")),
    path("webhooks/", include("colorizer_site.webhooks.urls")),
    path("api/", include("colorizer_site.api.urls")),
    # The API's documentation page: the API app's view, at a page address.
    path("docs/", docs.docs, name="docs"),
    path("", include("colorizer_site.ops.urls")),
    path("", include("colorizer_site.web.urls")),
]

# A database that does not answer gets 503 with Retry-After, not "something went wrong".
handler500 = "colorizer_site.ops.unavailable.server_error"
