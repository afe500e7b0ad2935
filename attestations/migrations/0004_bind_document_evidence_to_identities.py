"""Bind document evidence to the identity (names, birth date) it was checked against.

Every attestation gets the fingerprint of its names and birth date
(``attestations.identity``). A verified document (passed or approved) gets the
fingerprint of the attestation it was checked against, where the records say
which one that was:

- approved: the attestation on the document, the one the officer's review page
  showed beside it;
- passed: the attestation on the document, unless another attestation of the
  person was signed after it and no later than the check (``decided_at``):
  reading an image compared the lines with the person's current attestation at
  that moment, which may have been the newer one.

Every other document stays unbound and counts for no attestation (a passed one
that is ambiguous, or has no attestation or no decision time): its owner is
asked for a document again.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery

from attestations.identity import identity_fingerprint

BATCH = 500


def _fingerprint_attestations(Attestation):
    pending = []
    fields = ("id", "family_name", "given_names", "date_of_birth")
    for attestation in Attestation.objects.only(*fields).order_by("id").iterator(chunk_size=BATCH):
        attestation.identity_fingerprint = identity_fingerprint(
            family_name=attestation.family_name,
            given_names=attestation.given_names,
            date_of_birth=attestation.date_of_birth,
        )
        pending.append(attestation)
        if len(pending) == BATCH:
            Attestation.objects.bulk_update(pending, ["identity_fingerprint"])
            pending = []
    Attestation.objects.bulk_update(pending, ["identity_fingerprint"])


def bind(apps, schema_editor):
    Attestation = apps.get_model("attestations", "Attestation")
    Document = apps.get_model("attestations", "Document")
    _fingerprint_attestations(Attestation)
    checked_against = Subquery(
        Attestation.objects.filter(pk=OuterRef("attestation_id")).values("identity_fingerprint")[:1]
    )
    signed_in_between = Attestation.objects.filter(
        user_id=OuterRef("user_id"),
        signed_at__gt=OuterRef("attestation__signed_at"),
        signed_at__lte=OuterRef("decided_at"),
    )
    verified = Document.objects.filter(attestation__isnull=False, identity_fingerprint="")
    verified.filter(status="approved").update(identity_fingerprint=checked_against)
    verified.filter(status="passed", decided_at__isnull=False).exclude(
        Exists(signed_in_between)
    ).update(identity_fingerprint=checked_against)


class Migration(migrations.Migration):
    dependencies = [
        ("attestations", "0003_first_declaration"),
    ]

    operations = [
        migrations.AddField(
            model_name="attestation",
            name="identity_fingerprint",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="document",
            name="identity_fingerprint",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(bind, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="attestation",
            constraint=models.CheckConstraint(
                condition=models.Q(("identity_fingerprint", ""), _negated=True),
                name="attestations_identity_fingerprint_set",
            ),
        ),
    ]
