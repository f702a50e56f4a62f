"""Accounts made before sign-in needed a verified address keep working: each one's
address is recorded as verified and primary (django-allauth's EmailAddress). Placeholders
of deleted accounts get none."""

from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    new = []
    for user_id, email in (
        User.objects.filter(deleted_at__isnull=True).order_by("id").values_list("id", "email")
    ):
        address = email.lower()
        # Two old accounts differing only in case: the older keeps the verified address.
        if address and address not in taken:
            taken.add(address)
            new.append(EmailAddress(user_id=user_id, email=address, verified=True, primary=True))
    EmailAddress.objects.bulk_create(new)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_preferences"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
