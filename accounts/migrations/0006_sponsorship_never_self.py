"""Nobody sponsors themselves: revoke any such sponsorship, then let the database refuse them."""

from typing import Any

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

REASON = "Self-sponsorship: another signing official must sponsor this person."


def revoke_self_sponsorships(apps: Any, schema_editor: Any) -> None:
    Sponsorship = apps.get_model("accounts", "Sponsorship")
    Sponsorship.objects.filter(sponsored_by=F("user")).exclude(status="revoked").update(
        status="revoked", revoked_at=timezone.now(), revoked_reason=REASON
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_roster_organization_index_covered_by_unique"),
    ]

    operations = [
        migrations.RunPython(revoke_self_sponsorships, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="sponsorship",
            constraint=models.CheckConstraint(
                condition=models.Q(status="revoked") | ~models.Q(sponsored_by=F("user")),
                name="accounts_sponsorship_not_self",
            ),
        ),
    ]
