from django.urls import path
from django.views.i18n import JavaScriptCatalog

from colorizer_site.web.views import (
    adjust,
    albums,
    batches,
    colorize,
    gallery,
    home,
    jobs,
    language,
    sharing,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("gallery/", gallery.gallery, name="gallery"),
    # Jobs and the gallery.
    path("colorize/", colorize.colorize, name="colorize"),
    path("colorize/photo-kind/", colorize.photo_kind, name="photo_kind"),
    path("gallery/delete/", gallery.gallery_delete, name="gallery_delete"),
    path("jobs/<str:task_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<str:task_id>/rerun/", jobs.job_rerun, name="job_rerun"),
    path("jobs/<str:task_id>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("jobs/<str:task_id>/delete/", gallery.job_delete, name="job_delete"),
    path("jobs/<str:task_id>/input", jobs.job_input, name="job_input"),
    path("jobs/<str:task_id>/result", jobs.job_result, name="job_result"),
    path("jobs/<str:task_id>/thumbnail", jobs.job_thumbnail, name="job_thumbnail"),
    path(
        "jobs/<str:task_id>/input-thumbnail", jobs.job_input_thumbnail, name="job_input_thumbnail"
    ),
    path(
        "jobs/<str:task_id>/download/<str:output_format>",
        jobs.job_download,
        name="job_download",
    ),
    # Adjust colours.
    path("jobs/<str:task_id>/preview", adjust.job_preview, name="job_preview"),
    path("jobs/<str:task_id>/palette", adjust.job_palette, name="job_palette"),
    path("jobs/<str:task_id>/suggestions", adjust.job_suggestions, name="job_suggestions"),
    path("jobs/<str:task_id>/reach", adjust.job_reach, name="job_reach"),
    path("jobs/<str:task_id>/confidence", adjust.job_confidence, name="job_confidence"),
    path("jobs/<str:task_id>/refine/", adjust.job_refine, name="job_refine"),
    # Batches.
    path("batches/<str:batch_id>/", batches.batch_detail, name="batch_detail"),
    path("batches/<str:batch_id>/download.zip", batches.batch_download, name="batch_download"),
    # Languages: the switcher, and the catalog of the scripts' own sentences.
    path("language/", language.set_language, name="set_language"),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["colorizer_site.web"]),
        name="javascript_catalog",
    ),
    # Albums and captions.
    path("albums/", albums.album_list, name="album_list"),
    path("albums/<str:album_id>/", albums.album_detail, name="album_detail"),
    path("albums/<str:album_id>/rename/", albums.album_rename, name="album_rename"),
    path("albums/<str:album_id>/delete/", albums.album_delete, name="album_delete"),
    path("albums/<str:album_id>/photo/", albums.album_photo, name="album_photo"),
    path("albums/<str:album_id>/download.zip", albums.album_download, name="album_download"),
    path("albums/<str:album_id>/captions.csv", albums.album_captions, name="album_captions"),
    path(
        "albums/<str:album_id>/captions/",
        albums.album_captions_import,
        name="album_captions_import",
    ),
    path("albums/<str:album_id>/share/", sharing.share_album, name="share_album"),
    path("gallery/album/", albums.gallery_to_album, name="gallery_to_album"),
    path("gallery/facts/", albums.gallery_facts, name="gallery_facts"),
    path("jobs/<str:task_id>/facts/", albums.job_facts, name="job_facts"),
    path("batches/<str:batch_id>/captions.csv", albums.batch_captions, name="batch_captions"),
    path(
        "batches/<str:batch_id>/captions/",
        albums.batch_captions_import,
        name="batch_captions_import",
    ),
    path("batches/<str:batch_id>/album/", albums.batch_album, name="batch_album"),
    # Share links: the owner's side, then the public pages.
    path("jobs/<str:task_id>/share/", sharing.share_job, name="share_job"),
    path("batches/<str:batch_id>/share/", sharing.share_batch, name="share_batch"),
    path("shares/", sharing.shares, name="shares"),
    path("shares/<int:link_id>/revoke/", sharing.share_revoke, name="share_revoke"),
    path("s/<str:token>/", sharing.shared, name="shared"),
    path("s/<str:token>/download.zip", sharing.shared_zip, name="shared_zip"),
    path("s/<str:token>/<str:task_id>/", sharing.shared_photo, name="shared_photo"),
    path("s/<str:token>/<str:task_id>/download", sharing.shared_download, name="shared_download"),
    path("s/<str:token>/<str:task_id>/<str:side>", sharing.shared_image, name="shared_image"),
]
