"""Addresses of accounts that received the sign-up bonus before claims were kept count as
claimed, so deleting such an account and signing up again brings no second bonus."""

from django.db import migrations


def claim_existing(apps, schema_editor):
    from colorizer_site.credits.signup_bonus import address_hash

    CreditEntry = apps.get_model("credits", "CreditEntry")
    SignupBonusClaim = apps.get_model("credits", "SignupBonusClaim")
    User = apps.get_model("accounts", "User")
    user_ids = [
        int(key.removeprefix("signup:"))
        for key in CreditEntry.objects.filter(idempotency_key__startswith="signup:").values_list(
            "idempotency_key", flat=True
        )
    ]
    emails = User.objects.filter(id__in=user_ids, deleted_at__isnull=True).values_list(
        "email", flat=True
    )
    hashes = {address_hash(email) for email in emails}
    SignupBonusClaim.objects.bulk_create(
        [SignupBonusClaim(address_hash=value) for value in hashes], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_signup_bonus_claims"),
        ("accounts", "0002_user_deleted_at"),
    ]

    operations = [migrations.RunPython(claim_existing, migrations.RunPython.noop)]
