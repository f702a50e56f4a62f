from django.urls import path

from colorizer_site.api import results
from colorizer_site.api.views import schema, tasks, v1

app_name = "api"

urlpatterns: list = [
    # Signed, expiring result links (owned by the jobs app, see jobs.services.result_url).
    path("results/<str:token>", results.result, name="result"),
    path("tasks/visual/colorization", tasks.create_task, name="task_create"),
    path("tasks/visual/colorization/<str:task_id>", tasks.task_detail, name="task_detail"),
    path(
        "tasks/visual/colorization/<str:task_id>/palette",
        tasks.task_palette,
        name="task_palette",
    ),
    path("v1/colorize", v1.colorize, name="v1_colorize"),
    path("v1/account", v1.account, name="v1_account"),
    path("openapi.json", schema.openapi, name="openapi"),
]
