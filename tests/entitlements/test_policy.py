"""decide(): the one place that says yes or no, as a table of cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from pytest_django.fixtures import Settings

from accounts.models import Membership, User
from attestations.models import UsPersonStatus
from entitlements.models import DirectiveState, ModelTier, UserRevocation
from entitlements.policy import decide
from entitlements.services.revocations import user_revocation_lift, user_revoke, users_tokens_void
from entitlements.services.tiers import tier_directive_set
from geo.location_signals import GeoSignals
from idverify.errors import SelfApproval
from tests.entitlements.support import (
    local_signals,
    person,
    signals,
    tier,
    unavailable_signals,
)
from tests.support.factories import MembershipFactory, OrganizationFactory

# Also run on SQLite (scripts/test.sh), the quick start's database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places"), pytest.mark.sqlite]

FABLE: dict[str, Any] = {"min_level": 2, "us_person_required": True}
NOT_US = UsPersonStatus.NOT_US_PERSON

# (case, level, attested status, tier requirements, signals, expected reason codes)
CASES: list[tuple[str, int, str, dict[str, Any], GeoSignals, list[str]]] = [
    ("a level-2 U.S. citizen in California is allowed", 2, "us_citizen", FABLE, signals(), []),
    ("a level-3 permanent resident is allowed", 3, "lawful_permanent_resident", FABLE,
     signals(), []),
    ("an asylee at level 2 counts as a U.S. person", 2, "asylee", FABLE, signals(), []),
    ("a self-attested person is below level 2", 1, "us_citizen", FABLE, signals(),
     ["level.too_low"]),
    ("someone who never attested is below every level", 0, "us_citizen",
     {"min_level": 1}, signals(), ["level.too_low"]),
    ("a non-U.S. person is refused a U.S.-persons tier, whatever the level", 1, NOT_US, FABLE,
     signals(), ["us_person.required"]),
    ("a non-U.S. person may use a tier open to everyone at level 1", 1, NOT_US,
     {"min_level": 1, "us_person_required": False}, signals(), []),
    ("level 2 is not enough for a level-3 tier", 2, "us_citizen",
     {"min_level": 3}, signals(), ["level.too_low"]),
    ("a tier that needs sponsorship refuses document-only evidence", 2, "us_citizen",
     {"min_level": 2, "sponsorship_required": True}, signals(), ["sponsorship.required"]),
    ("an embargoed country is refused", 2, "us_citizen", FABLE,
     signals("CU", ("CU-03",)), ["geo.embargoed_country"]),
    ("an embargoed region is refused", 2, "us_citizen", FABLE,
     signals("UA", ("UA-43",)), ["geo.embargoed_region"]),
    ("the rest of that country is not", 2, "us_citizen", FABLE, signals("UA", ("UA-30",)), []),
    ("a tier's own blocked place is refused", 2, "us_citizen",
     {**FABLE, "blocked_places": ["DE"]}, signals("DE", ()), ["geo.embargoed_country"]),
    ("a tier may drop the embargo list (and then not fail closed)", 2, "us_citizen",
     {**FABLE, "block_embargoed_places": False}, signals("CU", ()), []),
    ("a VPN is refused", 2, "us_citizen", FABLE, signals(is_anonymous_vpn=True, is_anonymous=True),
     ["geo.anonymizer"]),
    ("a tier may allow anonymisers", 2, "us_citizen", {**FABLE, "anonymizers_allowed": True},
     signals(is_anonymous_vpn=True, is_anonymous=True), []),
    ("no location database: a tier that blocks places fails closed", 2, "us_citizen", FABLE,
     unavailable_signals(), ["geo.unavailable"]),
    ("no location database: a tier that blocks nothing carries on", 2, "us_citizen",
     {**FABLE, "block_embargoed_places": False}, unavailable_signals(), []),
    ("a local address is not a location outside development", 2, "us_citizen", FABLE,
     local_signals(), ["geo.local"]),
    ("every reason is given at once", 1, "us_citizen",
     {"min_level": 2, "sponsorship_required": True}, signals("IR", ()),
     ["level.too_low", "sponsorship.required", "geo.embargoed_country"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("level", "status", "requirements", "request_signals", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(
    level: int,
    status: str,
    requirements: dict[str, Any],
    request_signals: GeoSignals,
    expected: list[str],
) -> None:
    user = person(level, status=status)
    decision = decide(user, tier(**requirements), request_signals)
    assert decision.reason_codes == expected
    assert decision.allowed is (expected == [])
    for reason in decision.reasons:
        assert reason.message.endswith("."), reason
        assert len(reason.message.split()) >= 8, "a sentence a person understands"


def test_the_claims_of_an_allowed_decision_say_who_what_and_where() -> None:
    org = OrganizationFactory.create()
    user = person(3, sponsor=org)
    fable = tier(min_level=2)
    decision = decide(user, fable, signals("US", ("US-CA",)))
    assert decision.allowed
    assert decision.claims == {
        "sub": str(user.public_id),
        "aud": "fable-5",
        "usp": {"status": "us_citizen", "level": 3, "basis": "both"},
        "org": str(org.public_id),
        "ial": "ial1",
        "evd": ["vri", "data"],
        "geo": {"country": "US", "subdivision": "US-CA"},
        "epoch": fable.epoch,
    }


def test_a_refused_person_is_told_the_next_step() -> None:
    one = decide(person(1), tier(min_level=2), signals())
    assert "Add a U.S. passport" in one.reasons[0].message
    assert "level 2" in one.reasons[0].message
    assert one.reasons[0].path == "/documents/"
    zero = decide(person(0), tier("t0", min_level=1), signals())
    assert "Sign your U.S.-person attestation on the Verification page" in zero.reasons[0].message
    assert zero.reasons[0].path == "/attest/"


def test_sponsorship_satisfies_a_tier_that_needs_it() -> None:
    user = person(2, sponsor=OrganizationFactory.create())
    decision = decide(user, tier(min_level=2, sponsorship_required=True), signals())
    assert decision.allowed
    assert decision.claims["usp"]["basis"] == "sponsorship"


def test_local_addresses_pass_where_the_operator_allows_them(settings: Settings) -> None:
    settings.IDV_GEO_ALLOW_LOCAL = True
    assert decide(person(2), tier(**FABLE), local_signals()).allowed


@pytest.mark.parametrize(
    ("state", "status", "expected"),
    [
        (DirectiveState.SUSPENDED, "us_citizen", ["directive.suspended"]),
        (DirectiveState.US_PERSONS_ONLY, "us_citizen", []),
        (DirectiveState.US_PERSONS_ONLY, NOT_US, ["directive.us_persons_only"]),
        (DirectiveState.OPEN, NOT_US, []),
    ],
)
def test_directives_override_a_tier_open_to_everyone(
    officer: User, state: str, status: str, expected: list[str]
) -> None:
    open_tier = tier("open-model", min_level=1, us_person_required=False)
    tier_directive_set(actor=officer, slug="open-model", state=state, reason="Order 2026-1")
    open_tier = ModelTier.objects.get(pk=open_tier.pk)
    decision = decide(person(1, status=status), open_tier, signals())
    assert decision.reason_codes == expected


def test_a_suspended_tier_refuses_even_the_best_evidenced(officer: User) -> None:
    tier(**FABLE)
    suspended = tier_directive_set(
        actor=officer, slug="fable-5", state="suspended", reason="Order 2026-2"
    )
    assert decide(person(3), suspended, signals()).reason_codes == ["directive.suspended"]


def test_a_revoked_person_is_refused_until_an_officer_restores_access(officer: User) -> None:
    user, fable = person(2), tier(**FABLE)
    user_revoke(actor=officer, user=user, reason="Export licence review")
    denied = decide(user, fable, signals())
    assert denied.reason_codes == ["user.revoked"]
    assert "Contact your compliance team" in denied.reasons[0].message
    user_revocation_lift(actor=officer, user=user, reason="Review closed")
    let_the_cutoff_pass(user)
    assert decide(user, fable, signals()).allowed


def test_an_officer_cannot_restore_their_own_access(officer: User, operator_org: Any) -> None:
    other = MembershipFactory.create(
        organization=operator_org, role=Membership.Role.COMPLIANCE_OFFICER
    ).user
    user_revoke(actor=other, user=officer, reason="Under investigation")
    with pytest.raises(SelfApproval, match="Another compliance officer"):
        user_revocation_lift(actor=officer, user=officer, reason="I am fine")
    assert UserRevocation.objects.get(user=officer).lifted_at is None
    assert user_revocation_lift(actor=other, user=officer, reason="Investigation closed") == 1


def let_the_cutoff_pass(user: User) -> None:
    UserRevocation.objects.filter(user=user).update(
        cutoff_at=F("cutoff_at") - timedelta(seconds=10)
    )


def test_voiding_tokens_after_a_sponsorship_change_refuses_only_for_a_moment() -> None:
    user, fable = person(2), tier(**FABLE)
    users_tokens_void(users=[user], reason="Sponsorship revoked")
    moment = decide(user, fable, signals())
    assert moment.reason_codes == ["user.tokens_just_revoked"]
    assert "Ask again in" in moment.reasons[0].message
    let_the_cutoff_pass(user)
    assert decide(user, fable, signals()).allowed
