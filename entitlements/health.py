"""``/readyz``: the service is not ready to issue tokens without a usable signing key."""

from __future__ import annotations

from entitlements.models import SigningKey
from entitlements.services.keys import load_signer
from idverify.crypto import DecryptionError
from idverify.health import CheckResult, readiness_check


@readiness_check("signing_key")
def check_signing_key() -> CheckResult:
    keys = {key.state: key for key in SigningKey.objects.exclude(state=SigningKey.State.RETIRED)}
    active = keys.get(SigningKey.State.ACTIVE)
    if active is None:
        return CheckResult(
            "fail",
            "There is no active signing key, so no token can be issued. "
            "Run `manage.py rotate_signing_keys` to create one.",
        )
    try:
        load_signer(active)
    except (DecryptionError, ValueError) as exc:
        return CheckResult(
            "fail",
            f"The active signing key {active.kid} cannot be decrypted: {exc} "
            "Check IDV_KEY_ENCRYPTION_KEY (and IDV_KEY_ENCRYPTION_KEY_PREVIOUS after a change).",
        )
    details: dict[str, object] = {"active_kid": active.kid}
    if SigningKey.State.NEXT not in keys:
        return CheckResult(
            "warn",
            "There is no next signing key, so the next rotation cannot be announced early. "
            "Run `manage.py rotate_signing_keys`.",
            details,
        )
    return CheckResult("ok", f"Signing key {active.kid} is active and opens.", details)
