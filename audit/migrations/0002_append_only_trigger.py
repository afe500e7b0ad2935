"""On PostgreSQL, refuse UPDATE and DELETE of audit events at the database.

The only change allowed is the sealer's: setting ``seal_id`` once, from NULL,
with every other column unchanged. Someone with the table owner's rights can
still disable the trigger; the Merkle seals are what catch that.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only (delete refused)';
    END IF;
    IF OLD.seal_id IS NULL AND NEW.seal_id IS NOT NULL
       AND (to_jsonb(NEW) - 'seal_id') = (to_jsonb(OLD) - 'seal_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (update refused)';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
