"""The background task that builds a data export; it carries only the export's id."""

from django_tasks import task

from colorizer_site.privacy import exports


@task()
def build_data_export(export_id: int) -> None:
    exports.build(export_id)
