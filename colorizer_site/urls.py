from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from colorizer_site.api.views import docs

# The admin signs in through allauth too, so staff face the same throttle and second factor.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("colorizer_site.privacy.urls")),
    # allauth first: its password-reset key URL would otherwise match the old reset link.
    path("accounts/", include("allauth.urls")),
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
