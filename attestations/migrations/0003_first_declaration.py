"""Publish the first version of the declaration people sign (its text ships as a file)."""

from django.db import migrations

from attestations.declarations import FIRST_VERSION, SHIPPED


def publish(apps, schema_editor):
    Declaration = apps.get_model("attestations", "Declaration")
    shipped = SHIPPED.get(FIRST_VERSION)
    Declaration.objects.get_or_create(
        version=FIRST_VERSION, defaults={"text": shipped.text, "sha256": shipped.sha256}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("attestations", "0002_onboarding_declarations_documents_review"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
