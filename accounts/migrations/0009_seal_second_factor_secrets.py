"""Encrypt the TOTP and recovery-code seeds stored in the clear before the MFA adapter
sealed them (people could enrol voluntarily before second factors were required)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The data key holding each authenticator type's secret.
_SECRET_KEYS = {"totp": "secret", "recovery_codes": "seed"}


def _convert(apps: Any, *, sealing: bool) -> None:
    from accounts.second_factor.adapter import SEALED_PREFIX, seal, unseal

    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.filter(type__in=list(_SECRET_KEYS)).iterator():
        key = _SECRET_KEYS[row.type]
        value = row.data.get(key)
        if not isinstance(value, str) or value.startswith(SEALED_PREFIX) == sealing:
            continue
        row.data[key] = seal(value) if sealing else unseal(value)
        row.save(update_fields=["data"])


def seal_secrets(apps: Any, schema_editor: Any) -> None:
    _convert(apps, sealing=True)


def unseal_secrets(apps: Any, schema_editor: Any) -> None:
    _convert(apps, sealing=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_email_refuses_formulas"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_secrets, unseal_secrets)]
