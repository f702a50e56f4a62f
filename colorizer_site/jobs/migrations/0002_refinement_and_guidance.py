# Refinements: a job made with "Adjust colours" points at the job it refines and at
# the original of that line. Hints and vividness live in the existing `options` JSON.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="colorizationjob",
            name="refines",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="refinements",
                to="jobs.colorizationjob",
            ),
        ),
        migrations.AddField(
            model_name="colorizationjob",
            name="original",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="versions",
                to="jobs.colorizationjob",
            ),
        ),
    ]
