"""The evidence model: what stands behind a person's U.S.-person status, and how well.

Vocabulary from NIST SP 800-63A-4 (evidence *strength*: fair, strong,
superior; *validation*: is the evidence genuine and current; *verification*:
is this person its holder) and OpenID Connect for Identity Assurance 1.0
(``check_method`` codes naming how a validation or verification was done).

The ``check_method`` codes, as OIDC4IDA's predefined values list defines them
(openid.net/wg/ekyc-ida/identifiers; the same list backs, e.g., the GOV.UK One
Login vocabulary and the Nimbus OAuth SDK):

- `vri`: validation that physical evidence is genuine by inspecting an image of
  it taken remotely under visible light. Used for a document image, whether
  the automatic examination or a compliance officer inspected it;
- `data`: validation by finding an existing electronic record that matches the
  person's claim. Used for a sponsorship: the service's own record, written by
  an authenticated signing official of an organisation the operator verified,
  matches the person's claim to be sponsored. It is *not* used for typed MRZ
  lines: check-digit arithmetic consults no record, so it is no validation in
  OIDC4IDA's sense and typed lines carry no code at all;
- `bvr`: verification of the person as the evidence's holder by an automated
  biometric comparison, user and capture device remote: only through an
  identity-verification vendor (a live selfie matched to the document's photo);
- not offered by this service: `vpip`/`vpiruv` (physical evidence inspected in
  person, under visible / also non-visible light), `vdig` (digital evidence's
  properties and content), `vcrypt` (cryptographic security features, e.g. a
  passport chip), and the other verification methods: `auth`, `token`, `kbv`,
  `pvp`/`pvr` (a qualified person compares the user with the evidence's image,
  in person / remotely), `bvp` (an automated biometric comparison in person).

Nothing here is a table: the evidence is computed from the rows that already
exist (the attestation, documents with their checks or review, sponsorships),
by ``verification_status``'s one query on the token path.

| kind                | strength | validated by                     | holder verified by |
|---------------------|----------|----------------------------------|--------------------|
| `attestation`       | none     | -                                | -                  |
| `mrz_typed`         | none     | - (a consistency check, no code) | -                  |
| `document_read`     | strong   | `vri` (automatic reading + checks) | -                |
| `document_reviewed` | strong   | `vri` (a compliance officer)     | -                  |
| `sponsorship`       | fair     | `data` (a verified organisation's signing official vouches) | - |
| `vendor_verified`   | strong   | `vri` (a vendor's document checks) | `bvr` (its selfie match) |

Only the vendor path (``attestations.vendors``, docs/vendors.md) compares the
person with the document's photo. This service's `ial2` is IAL2-*equivalent*
by its own rule (a strong document a compliance officer validated, or one a
vendor validated with a biometric holder check), not a NIST-conformant IAL2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Strength = Literal["none", "fair", "strong", "superior"]
Ial = Literal["none", "ial1", "ial2"]
EvidenceKind = Literal[
    "attestation",
    "mrz_typed",
    "document_read",
    "document_reviewed",
    "sponsorship",
    "vendor_verified",
]
IAL_ORDER: tuple[Ial, ...] = ("none", "ial1", "ial2")


def ial_rank(ial: str) -> int:
    """0 for none, 1 for ial1, 2 for ial2 (an unknown value ranks as none)."""
    return IAL_ORDER.index(ial) if ial in IAL_ORDER else 0


@dataclass(frozen=True)
class Check:
    """One validation or verification: its OIDC4IDA ``check_method`` and who performed it."""

    method: str
    performed_by: str


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    strength: Strength
    strength_reason: str
    validation: Check | None
    verification: Check | None

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(c.method for c in (self.validation, self.verification) if c is not None)


ATTESTATION = Evidence(
    "attestation",
    "none",
    "A statement the person signed under penalty of perjury: a claim, not evidence of identity.",
    None,
    None,
)
MRZ_TYPED = Evidence(
    "mrz_typed",
    "none",
    "Typed machine-readable lines pass public check-digit arithmetic: they show the person's "
    "statements are consistent, never that they hold the document, and no record is consulted "
    "(so not even OIDC4IDA's `data`).",
    None,
    None,
)
DOCUMENT_READ = Evidence(
    "document_read",
    "strong",
    "A government-issued document with a machine-readable zone, read from an image of it.",
    Check("vri", "idverify's automatic reading and MRZ checks"),
    None,
)
DOCUMENT_REVIEWED = Evidence(
    "document_reviewed",
    "strong",
    "A government-issued document whose image a compliance officer inspected and approved.",
    Check("vri", "a compliance officer"),
    None,
)
SPONSORSHIP = Evidence(
    "sponsorship",
    "fair",
    "A signing official of an organisation the operator verified vouches for the person.",
    Check("data", "a verified organisation's signing official"),
    None,
)


def vendor_verified(vendor: str) -> Evidence:
    """A U.S. passport an identity-verification vendor validated, with a live selfie it
    matched to the passport's photo. Strong, not superior: superior would need the
    passport chip's signed data validated (`vcrypt`), which the vendor does not read."""
    return Evidence(
        "vendor_verified",
        "strong",
        "A U.S. passport whose images an identity-verification vendor validated, with a "
        "live selfie it matched to the passport's photo.",
        Check("vri", f"{vendor} (document checks)"),
        Check("bvr", f"{vendor} (selfie matched to the document's photo)"),
    )


@dataclass(frozen=True)
class Assurance:
    """A person's identity assurance for their U.S.-person status, and why not higher."""

    ial: Ial
    evidence: tuple[Evidence, ...]
    # One sentence per level above ``ial`` that the evidence does not reach.
    gaps: tuple[str, ...]

    @property
    def methods(self) -> list[str]:
        """The ``check_method`` codes of the evidence that counts (the token's ``evd``)."""
        codes: list[str] = []
        for item in self.evidence:
            for code in item.methods:
                if code not in codes:
                    codes.append(code)
        return codes


NO_ATTESTATION_GAP = (
    "There is no current, clean U.S.-person attestation to evidence: sign one on the "
    "Verification page."
)
IAL1_GAP = (
    "No validated evidence: add an image of a document that shows your status (typed "
    "machine-readable lines alone prove consistency, not the document), or ask a verified "
    "organisation to sponsor you."
)
IAL2_GAP = (
    "No document reviewed by a compliance officer, nor verified with a selfie by an "
    "identity-verification vendor: add one for review on the Verification page, or verify "
    "with the vendor from your status page where it is offered."
)


NO_ASSURANCE = Assurance("none", (), (NO_ATTESTATION_GAP, IAL1_GAP, IAL2_GAP))


def assurance_of(
    *,
    attested_us_person: bool,
    document_read: bool,
    document_reviewed: bool,
    mrz_typed: bool,
    sponsorship: bool,
    vendor: str | None = None,
) -> Assurance:
    """Turn a person's current evidence into their assurance (the one rule).

    ``ial1``: a current U.S.-person attestation plus validated evidence (a document
    read from its image, a document an officer reviewed, a vendor verification, or
    a verified organisation's sponsorship). ``ial2``: plus a strong document a
    compliance officer validated, or one a vendor (``vendor``: its name) validated
    with a biometric check of its holder. Typed lines never count towards either.
    """
    if not attested_us_person:
        return NO_ASSURANCE
    evidence: list[Evidence] = [ATTESTATION]
    if vendor:
        evidence.append(vendor_verified(vendor))
    if document_reviewed:
        evidence.append(DOCUMENT_REVIEWED)
    if document_read:
        evidence.append(DOCUMENT_READ)
    if mrz_typed:
        evidence.append(MRZ_TYPED)
    if sponsorship:
        evidence.append(SPONSORSHIP)
    counted = tuple(e for e in evidence if e.kind != "mrz_typed")
    if document_reviewed or vendor:
        return Assurance("ial2", counted, ())
    if document_read or sponsorship:
        return Assurance("ial1", counted, (IAL2_GAP,))
    return Assurance("none", counted, (IAL1_GAP, IAL2_GAP))
