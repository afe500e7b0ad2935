"""One list of U.S.-person statuses: the verifier's, which the service takes and agrees with.

The verifier package cannot import the service, so its list is the source; the
service derives its U.S.-person statuses from it and these tests hold the rest
(the attestation choices, the MRZ vocabulary, issued tokens) equal to it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from attestations.models import US_PERSON_STATUSES, UsPersonStatus
from attestations.mrz import Status as MrzStatus
from entitlements import introspection
from entitlements.services.tokens import token_issue
from idverify_verifier import claims as token_claims
from tests.entitlements.support import person, signals, tier


def test_the_service_attests_exactly_the_statuses_a_token_may_carry() -> None:
    assert set(UsPersonStatus.values) == token_claims.ATTESTED_STATUSES
    assert {str(status) for status in MrzStatus} == token_claims.ATTESTED_STATUSES
    assert UsPersonStatus.NOT_US_PERSON.value == token_claims.NOT_US_PERSON


def test_the_service_and_the_verifier_count_the_same_statuses_as_us_persons() -> None:
    assert US_PERSON_STATUSES == token_claims.US_PERSON_STATUSES
    # Refugees and asylees are the protected individuals; there is no such status.
    assert "protected_individual" not in token_claims.ATTESTED_STATUSES


@pytest.fixture
def _fresh_introspectors() -> Iterator[None]:
    introspection.forget()
    yield
    introspection.forget()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_places", "_fresh_introspectors")
@pytest.mark.parametrize("status", UsPersonStatus.values)
def test_a_token_for_every_attested_status_verifies_with_the_services_verdict(
    status: str,
) -> None:
    open_tier = tier("fable-5", min_level=1, us_person_required=False)
    outcome = token_issue(user=person(1, status=status), tier=open_tier, signals=signals())
    assert outcome.token is not None, outcome.decision.reasons
    claims = introspection.introspect(token=outcome.token, audience="fable-5")
    assert claims is not None, f"the verifier refused a {status} token"
    assert outcome.decision.status is not None
    assert claims.usp.status == status
    assert claims.usp.is_us_person == outcome.decision.status.is_us_person
