"""Signed heads kept off the machine hold the log to its past: growth passes, rewriting fails."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import CommandError, call_command

from audit import hashing, keys
from audit.heads import HeadError, SignedHead, parse_head
from audit.models import AuditEvent, AuditSeal
from audit.selectors import audit_verify
from audit.services import audit_record, audit_seal_all
from tests.audit import attacker

pytestmark = pytest.mark.django_db


def _grow(n: int) -> None:
    for i in range(n):
        audit_record(action="test.event", actor=None, subject_id=i)
    audit_seal_all()


def _stored_head(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("audit_head", stdout=out)
    path = tmp_path / "head.json"
    path.write_text(out.getvalue())
    return path


def test_audit_head_prints_a_head_a_third_party_can_check_with_the_public_key() -> None:
    _grow(3)
    out = StringIO()
    call_command("audit_head", stdout=out)
    head = json.loads(out.getvalue())
    assert (head["size"], head["seq"]) == (3, 1)

    jwks = StringIO()
    call_command("audit_head", "--public-keys", stdout=jwks)
    (jwk,) = json.loads(jwks.getvalue())["keys"]
    assert (jwk["kty"], jwk["crv"], jwk["kid"]) == ("OKP", "Ed25519", head["kid"])
    # Only the documented statement and the public key: no secret, no database.
    statement = (
        f"idverify-audit-tree-head-v1\n{head['size']}\n{head['seq']}\n"
        f"{head['head_hash']}\n{head['time']}\n"
    ).encode()
    public = Ed25519PublicKey.from_public_bytes(keys.b64url_decode(jwk["x"]))
    public.verify(keys.b64url_decode(head["signature"]), statement)


def test_ordinary_growth_after_a_stored_head_is_consistent(tmp_path: Path) -> None:
    _grow(3)
    stored = _stored_head(tmp_path)
    _grow(5)
    _grow(2)

    out = StringIO()
    call_command("audit_verify", "--consistent-with", str(stored), stdout=out)

    assert "The log extends 1 stored head(s)." in out.getvalue()
    assert "Head: 10 events, seal #3" in out.getvalue()


def test_a_rewritten_event_before_the_stored_head_is_not_consistent(tmp_path: Path) -> None:
    _grow(3)
    stored = parse_head(_stored_head(tmp_path).read_text())
    _grow(2)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    assert first.seal is not None
    # Rewrite history, then redo every unkeyed hash of the chain (the signatures cannot follow).
    attacker.rewrite_event(first, data={"rewritten": True})
    attacker.reseal(first.seal)
    second = AuditSeal.objects.get(seq=2)
    second.prev_hash = first.seal.seal_hash
    second.save()
    attacker.reseal(second)

    report = audit_verify(heads=[stored])

    assert (
        "The log does not extend the stored head of 3 events (seal #1): "
        "events or seals up to it were rewritten or removed." in report.problems
    )


def test_removing_the_newest_seals_shows_against_a_stored_head(tmp_path: Path) -> None:
    _grow(2)
    _grow(2)
    stored = _stored_head(tmp_path)
    newest = AuditSeal.objects.get(seq=2)
    attacker.sql("DELETE FROM audit_auditevent WHERE seal_id = %s", [newest.id])
    newest.delete()
    assert audit_verify().ok  # what is left is a well-signed, shorter log...

    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit_verify", "--consistent-with", str(stored), stdout=StringIO())
    report = audit_verify(heads=[parse_head(stored.read_text())])
    assert report.problems == [
        "The log ends at seal #1, before the stored head's seal #2: seals were removed."
    ]


def test_a_head_not_signed_with_the_audit_key_is_refused() -> None:
    _grow(1)
    head = audit_verify().head
    assert head is not None
    forged = SignedHead(
        size=head.size,
        seq=head.seq,
        head_hash="e" * 64,
        time=head.time,
        kid=head.kid,
        signature=head.signature,
    )

    report = audit_verify(heads=[forged])

    assert report.problems[0].endswith(
        "is not signed by a trusted audit key: it is not a head of this log."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "It is not JSON"),
        ("[1]", "It must be a JSON object"),
        ('{"head_hash": "zz"}', '"head_hash" must be 64 hexadecimal digits.'),
        (
            json.dumps({"head_hash": "a" * 64, "time": "yesterday"}),
            '"time" must be an ISO 8601 date-time',
        ),
        (
            json.dumps({"head_hash": "a" * 64, "time": "2026-01-01T00:00:00Z", "size": -1}),
            '"size" must be a whole number',
        ),
    ],
)
def test_a_malformed_stored_head_gets_a_specific_error(
    text: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(HeadError, match=message):
        parse_head(text)
    stored = tmp_path / "head.json"
    stored.write_text(text)
    with pytest.raises(CommandError, match=f"The head in {stored} is not a signed head"):
        call_command("audit_verify", "--consistent-with", str(stored), stdout=StringIO())


def test_a_missing_head_file_gets_a_specific_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read it"):
        call_command("audit_verify", "--consistent-with", str(tmp_path / "nope.json"))


def test_the_old_expect_head_option_says_what_replaced_it() -> None:
    with pytest.raises(CommandError, match="--consistent-with"):
        call_command("audit_verify", "--expect-head", "0" * 64)


def test_audit_head_on_an_empty_log_says_so() -> None:
    with pytest.raises(CommandError, match="no signed seal yet"):
        call_command("audit_head", stdout=StringIO())


def test_audit_head_refuses_to_print_a_head_whose_signature_was_forged() -> None:
    _grow(1)
    AuditSeal.objects.update(signature=keys.b64url(b"\0" * 64))
    with pytest.raises(CommandError, match="does not carry a valid signature"):
        call_command("audit_head", "--no-seal", stdout=StringIO())


def test_the_signed_statement_is_exactly_as_documented() -> None:
    from datetime import UTC, datetime

    statement = hashing.tree_head(
        size=7, seq=2, head_hash="ab" * 32, time=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    )
    assert statement == (
        b"idverify-audit-tree-head-v1\n7\n2\n" + b"ab" * 32 + b"\n2026-01-02T03:04:05.000006Z\n"
    )
