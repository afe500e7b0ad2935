"""Demo people and organisations for the quick start (``manage.py seed_demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, Sponsorship, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - quick start only; seed_demo refuses elsewhere
# The demo officer and admin must sign in with a second factor like real ones: this
# published authenticator-app secret (base32) is theirs. Quick start only, as above.
DEMO_TOTP_SECRET = "IDVERIFYDEMOTOTPSECRETFORQUICKST"  # noqa: S105
OFFICER_EMAIL = "officer@operator.example"
CLEARED_EMAIL = "cleared@acme.example"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    totp_secret: str = ""


def demo_second_factor(user: User) -> str:
    """Give a demo person the published authenticator-app secret (again, if seeded before)."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return DEMO_TOTP_SECRET


def demo_user(email: str, full_name: str, *, is_staff: bool = False) -> User:
    """Create or reset a demo user with a verified email and the demo password."""
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_staff = is_staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _organization(legal_name: str, kind: str, **details: str) -> Organization:
    org, _ = Organization.objects.update_or_create(
        legal_name=legal_name,
        defaults={"kind": kind, "status": Organization.Status.VERIFIED, **details},
    )
    return org


def _member(user: User, org: Organization, role: str) -> None:
    Membership.objects.update_or_create(user=user, organization=org, defaults={"role": role})


@transaction.atomic
def seed() -> list[DemoLogin]:
    operator = _organization("idverify Demo Operator", Organization.Kind.OPERATOR)
    acme = _organization(
        "Acme Robotics Inc.",
        Organization.Kind.CUSTOMER,
        country_of_incorporation="US",
        state_of_incorporation="US-DE",
        ein="04-2103594",
        website_domain="acme.example",
    )

    officer = demo_user(OFFICER_EMAIL, "Casey Compliance", is_staff=True)
    _member(officer, operator, Membership.Role.COMPLIANCE_OFFICER)
    admin = demo_user("admin@acme.example", "Alex Admin")
    # A signing official runs the organisation like an admin and may also sponsor.
    _member(admin, acme, Membership.Role.SIGNING_OFFICIAL)
    user = demo_user("user@acme.example", "Jordan User")
    _member(user, acme, Membership.Role.MEMBER)
    # Sponsored by Acme's signing official (never by themselves): with the passport an
    # officer reviews in attestations.demo, the evidence mythos-5 asks for.
    cleared = demo_user(CLEARED_EMAIL, "Morgan Cleared")
    _member(cleared, acme, Membership.Role.MEMBER)
    if not Sponsorship.objects.filter(
        user=cleared, organization=acme, status=Sponsorship.Status.ACTIVE
    ).exists():
        Sponsorship.objects.create(
            user=cleared,
            organization=acme,
            sponsored_by=admin,
            basis="Demo: Form I-9 on file, U.S. citizen.",
            expires_at=timezone.now() + timedelta(days=365),
        )

    return [
        DemoLogin(
            "compliance officer (operator)",
            officer.email,
            DEMO_PASSWORD,
            demo_second_factor(officer),
        ),
        DemoLogin(
            "organisation admin, signing official (Acme Robotics)",
            admin.email,
            DEMO_PASSWORD,
            demo_second_factor(admin),
        ),
        DemoLogin("end user (Acme Robotics, not yet verified)", user.email, DEMO_PASSWORD),
        DemoLogin("sponsored by Acme Robotics", cleared.email, DEMO_PASSWORD),
    ]
