from django.urls import path

from colorizer_site.web.views import docs, gallery, home

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("gallery/", gallery.gallery, name="gallery"),
    path("docs/", docs.docs, name="docs"),
]
