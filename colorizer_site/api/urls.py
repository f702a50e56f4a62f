from django.urls import path

from colorizer_site.api import results
from colorizer_site.api.views import schema, tasks, v1, v1_albums, v1_batches, v1_tasks

app_name = "api"

urlpatterns: list = [
    # Signed, expiring result links (owned by the jobs app, see jobs.links.result_url).
    path("results/<str:token>", results.result, name="result"),
    path("batch-results/<str:token>", results.batch_zip, name="batch_zip"),
    path("tasks/visual/colorization", tasks.create_task, name="task_create"),
    path("tasks/visual/colorization/<str:task_id>", tasks.task_detail, name="task_detail"),
    path(
        "tasks/visual/colorization/<str:task_id>/palette",
        tasks.task_palette,
        name="task_palette",
    ),
    path("v1/colorize", v1.colorize, name="v1_colorize"),
    path("v1/account", v1.account, name="v1_account"),
    path("v1/tasks", v1_tasks.task_list, name="v1_tasks"),
    path("v1/tasks/<str:task_id>", v1_albums.task, name="v1_task"),
    path("v1/tasks/<str:task_id>/cancel", v1_tasks.task_cancel, name="v1_task_cancel"),
    path(
        "v1/tasks/<str:task_id>/suggestions",
        v1_tasks.task_suggestions,
        name="v1_task_suggestions",
    ),
    path("v1/batches", v1_batches.batch_create, name="v1_batches"),
    path("v1/batches/<str:batch_id>", v1_batches.batch_detail, name="v1_batch_detail"),
    path("v1/albums", v1_albums.album_list, name="v1_albums"),
    path("v1/albums/<str:album_id>", v1_albums.album_detail, name="v1_album_detail"),
    path("v1/albums/<str:album_id>/tasks", v1_albums.album_tasks, name="v1_album_tasks"),
    path("openapi.json", schema.openapi, name="openapi"),
]
