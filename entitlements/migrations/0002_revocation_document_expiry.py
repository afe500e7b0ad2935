import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """The revocation document's exp, fixed with its serial. An existing row gets
    "now", so the first read after the upgrade re-signs it with a proper expiry."""

    dependencies = [
        ("entitlements", "0001_tiers_keys_tokens_decisions_revocations_clients"),
    ]

    operations = [
        migrations.AddField(
            model_name="revocationstate",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
