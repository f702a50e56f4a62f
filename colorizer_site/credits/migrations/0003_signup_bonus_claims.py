# The sign-up bonus once per address (credits.signup_bonus).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0002_purchases"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignupBonusClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
