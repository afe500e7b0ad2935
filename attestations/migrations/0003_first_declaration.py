"""Publish the first version of the declaration people sign.

Later versions are added by new migrations (or the admin), never by editing
this text: attestations point at the version and hash they were signed with.
"""

import hashlib

from django.db import migrations

VERSION = "2026-11"
TEXT = """\
I declare that the information I have given in this attestation is true, correct and complete.

I understand that access to certain AI models is restricted by United States export control \
law to U.S. persons, and that the provider of those models relies on this attestation to \
decide whether I may use them.

I declare that my status is the one I selected: a U.S. citizen; a U.S. national; a lawful \
permanent resident of the United States; a person admitted to the United States as a refugee \
under section 207 of the Immigration and Nationality Act; a person granted asylum under \
section 208 of that Act; or none of these. I have listed every country of which I am a \
citizen and my country of birth.

I will update this attestation promptly if my status or citizenship changes.

I understand that a knowingly false statement in this attestation may be punished under \
18 U.S.C. 1001, and I make this declaration under penalty of perjury under the laws of the \
United States of America (28 U.S.C. 1746).
"""


def publish(apps, schema_editor):
    Declaration = apps.get_model("attestations", "Declaration")
    Declaration.objects.get_or_create(
        version=VERSION,
        defaults={"text": TEXT, "sha256": hashlib.sha256(TEXT.encode("utf-8")).hexdigest()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("attestations", "0002_onboarding_declarations_documents_review"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
