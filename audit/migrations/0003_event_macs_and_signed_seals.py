"""Event MACs and signed seals; the events already written become a legacy prefix.

Events written before this migration have no MAC and their seals no signature
(scheme 1 in ``audit.hashing``). Rather than re-key them (which would vouch
for whatever the table holds today under a key it never had), this migration
seals the ones still pending under the old scheme, so the legacy prefix ends
at a seal. The first run of the sealer afterwards signs a seal that links to
that prefix's head: from then on a change to any legacy event or seal breaks
a signed link. The trust assumption is that the log was intact up to that
moment; ``audit_verify`` reports the prefix's size.
"""

from django.db import migrations, models

from audit import hashing

_BATCH = 20_000


def seal_legacy_prefix(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    size = 0
    for seal in AuditSeal.objects.order_by("seq"):
        size += seal.event_count
        AuditSeal.objects.filter(pk=seal.pk).update(tree_size=size)
    while True:
        pending = list(
            AuditEvent.objects.filter(seal__isnull=True)
            .order_by("id")
            .values_list("id", "content_hash")[:_BATCH]
        )
        if not pending:
            return
        last = AuditSeal.objects.order_by("-seq").first()
        seq = (last.seq + 1) if last else 1
        prev_hash = last.seal_hash if last else hashing.GENESIS
        root = hashing.merkle_root([digest for _, digest in pending])
        ids = [event_id for event_id, _ in pending]
        size += len(ids)
        seal = AuditSeal.objects.create(
            version=hashing.LEGACY,
            seq=seq,
            event_count=len(ids),
            first_event_id=ids[0],
            last_event_id=ids[-1],
            merkle_root=root,
            prev_hash=prev_hash,
            seal_hash=hashing.seal_hash(
                prev_hash=prev_hash,
                seq=seq,
                merkle_root=root,
                count=len(ids),
                first_id=ids[0],
                last_id=ids[-1],
            ),
            tree_size=size,
        )
        AuditEvent.objects.filter(id__in=ids).update(seal=seal)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditseal",
            name="version",
            field=models.PositiveSmallIntegerField(default=hashing.LEGACY),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditseal",
            name="tree_size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditseal",
            name="rejected_event_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditseal",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=43),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditseal",
            name="signature",
            field=models.CharField(blank=True, default="", max_length=86),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=43),
            preserve_default=False,
        ),
        migrations.RunPython(seal_legacy_prefix, migrations.RunPython.noop),
    ]
