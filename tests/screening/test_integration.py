"""Screening where it runs: signing an attestation, registering and verifying an
organisation, bulk enrolment, a new list; and what a hold does to tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, User
from accounts.screening_hook import screen_organization
from accounts.services.organizations import organization_verify
from audit.models import AuditEvent
from entitlements import token_store
from entitlements.models import IssuedToken, UserRevocation
from screening.models import RescreenJob, ScreeningMatch
from screening.services.rescreens import rescreen_run
from screening.services.review import match_decide
from screening.services.snapshots import ImportResult, snapshot_import
from tests.accounts.factories import HEADER, csv_bytes
from tests.accounts.test_enrolment_jobs import result_rows, run, submit
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.attestations.test_attestation_submit import sign
from tests.entitlements.support import US_CALIFORNIA, person, tier
from tests.screening.conftest import CSL, ofac_subset
from tests.support.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]
ApiFor = Callable[[User | None], APIClient]
LISTED: dict[str, Any] = {
    "given_names": "Evren",
    "family_name": "Kayakiran",
    "signature_name": "Evren Kayakiran",
    "date_of_birth": dt.date(1980, 2, 8),
}


def ask(client: APIClient) -> Any:
    return client.post(
        "/api/v1/tokens", {"model": "fable-5"}, format="json", REMOTE_ADDR=US_CALIFORNIA
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


def past_the_cutoff() -> None:
    """The voiding's short cutoff (tokens_just_revoked) has passed; the hold remains."""
    UserRevocation.objects.update(cutoff_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def listed_person() -> User:
    """A level-2 person whose attested and document-checked identity is a listed party's
    (entered before screening existed, as a factory writes it): renewing the attestation
    keeps the level, so a refusal can only come from screening."""
    user: User = UserFactory.create()
    AttestationFactory.create(
        user=user,
        given_names=LISTED["given_names"],
        family_name=LISTED["family_name"],
        date_of_birth=LISTED["date_of_birth"],
        signature_name=LISTED["signature_name"],
    )
    DocumentFactory.create(user=user)
    return user


@pytest.fixture
def fable() -> None:
    tier(min_level=2, us_person_required=True)


@pytest.fixture(params=["one-statement", "orm"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "orm":
        monkeypatch.setattr(token_store.writes, "use_single_statement", lambda: False)
    return str(request.param)


@pytest.mark.usefixtures("fable")
def test_a_person_who_attests_as_a_listed_party_gets_no_token_and_loses_live_ones(
    csl_loaded: ImportResult, api_client_for: ApiFor, write_path: str, on_commit: Any
) -> None:
    user = listed_person()
    client = api_client_for(user)
    assert ask(client).status_code == 201
    live = IssuedToken.objects.get(user=user)

    with on_commit(execute=True):
        sign(user, **LISTED)

    match = ScreeningMatch.objects.get(user=user)
    assert match.status == "pending"
    assert match.context == "attestation"
    live.refresh_from_db()
    assert live.revoked_at is not None  # voided through the revocation path
    ScreeningMatch.objects.filter(pk=match.pk).update(created_at=match.created_at)
    from entitlements.models import UserRevocation

    UserRevocation.objects.filter(user=user).update(
        cutoff_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    refused = ask(client)
    assert refused.status_code == 403
    reasons = refused.json()["reasons"]
    assert [r["code"] for r in reasons] == ["screening.potential_match"]
    # Nothing about the list, the entry or the score reaches the person.
    for secret in ("KAYAKIRAN", "Foreign Sanctions", "FSE", "SDN", "score"):
        assert secret.lower() not in reasons[0]["message"].lower()
    decided = AuditEvent.objects.filter(action="entitlement.decided").order_by("-id").first()
    assert decided is not None
    assert decided.data["screening_list_version"] == csl_loaded.list_version


@pytest.mark.usefixtures("fable")
def test_a_cleared_match_gives_access_back_and_a_confirmed_one_keeps_it_shut(
    csl_loaded: ImportResult, api_client_for: ApiFor, officer: User
) -> None:
    cleared, confirmed = listed_person(), listed_person()
    for user in (cleared, confirmed):
        sign(user, **LISTED)
    past_the_cutoff()
    for user, decision in ((cleared, "clear"), (confirmed, "confirm")):
        match = ScreeningMatch.objects.get(user=user)
        match_decide(officer=officer, match_id=match.public_id, decision=decision, reason="ok")
    assert ask(api_client_for(cleared)).status_code == 201
    refused = ask(api_client_for(confirmed))
    assert [r["code"] for r in refused.json()["reasons"]] == ["screening.confirmed_match"]


def test_an_ordinary_attestation_creates_no_match(csl_loaded: ImportResult, stranger: User) -> None:
    sign(stranger)
    assert not ScreeningMatch.objects.exists()


@pytest.mark.usefixtures("fable")
def test_an_organisation_registered_under_a_listed_name_holds_its_sponsored_people(
    csl_loaded: ImportResult, api_client_for: ApiFor, officer: User, on_commit: Any
) -> None:
    org = OrganizationFactory.create(legal_name="Rosneft Trade Ltd", country_of_incorporation="CY")
    member = person(2, sponsor=org)
    assert ask(api_client_for(member)).status_code == 201
    with on_commit(execute=True):
        screen_organization(organization=org, context="organization_registered")
    match = ScreeningMatch.objects.get(organization=org)
    assert match.entry_data["name"] == "ROSNEFT TRADE LIMITED"
    assert IssuedToken.objects.get(user=member).revoked_at is not None
    past_the_cutoff()
    refused = ask(api_client_for(member))
    assert [r["code"] for r in refused.json()["reasons"]] == ["screening.potential_match"]
    assert "organisation" in refused.json()["reasons"][0]["message"]
    pending = OrganizationFactory.create(
        legal_name="SME Bank", status=Organization.Status.PENDING, country_of_incorporation="RU"
    )
    organization_verify(actor=officer, organization=pending, reason="Papers checked")
    assert ScreeningMatch.objects.get(organization=pending).context == "organization_verified"


def test_a_new_list_rescreens_everyone_with_progress(
    db: None, tmp_path: Path, stranger: User, on_commit: Any
) -> None:
    snapshot_import(path=ofac_subset(tmp_path / "small", entries=20))
    sign(stranger, **LISTED)  # not on the small list
    assert not ScreeningMatch.objects.exists()
    with on_commit(execute=True):
        result = snapshot_import(path=CSL)  # the CSL lists Evren KAYAKIRAN
    job = RescreenJob.objects.get(list_version=result.list_version)
    assert job.status == "succeeded"
    assert job.done >= 1
    assert job.potential_matches == 1
    match = ScreeningMatch.objects.get(user=stranger)
    assert match.context == "rescreen"


def test_every_enrolled_row_is_screened_and_the_results_say_so(
    csl_loaded: ImportResult, owner: User, org: Organization
) -> None:
    data = csv_bytes(
        HEADER,
        "evren@example.com,Evren,Kayakiran,E1,Trade,no",
        "ada@example.com,Ada,Lovelace,E2,Research,no",
        "bad-email,Someone,Else,,,",
    )
    job = run(submit(owner, org, data, mode="commit_valid_only"))
    rows = {row["line"]: row for row in result_rows(job)}
    assert rows["2"]["screening"] == "potential_match"
    assert rows["3"]["screening"] == "clear"
    assert rows["4"]["screening"] == ""  # invalid rows are not enrolled, so not screened
    match = ScreeningMatch.objects.get()
    assert match.subject_ref == f"roster:{org.public_id}:evren@example.com"
    assert match.context == "enrolment"
    applied = AuditEvent.objects.get(action="enrolment.rows_applied")
    assert applied.data["screening_potential_matches"] == 1


def test_a_rescreen_resumes_from_its_cursor_and_finishes_once(
    csl_loaded: ImportResult,
) -> None:
    people = [person(1) for _ in range(3)]
    for user in people[1:]:
        sign(user, **LISTED)
    ScreeningMatch.objects.all().delete()
    # A worker died after the first person: the job's cursor says so.
    job = RescreenJob.objects.create(
        list_version="x", status="running", total=3, done=1, user_cursor=people[0].pk
    )
    finished = rescreen_run(job_id=job.pk)
    assert finished is not None
    assert (finished.status, finished.done, finished.potential_matches) == ("succeeded", 3, 2)
    assert rescreen_run(job_id=job.pk) == finished  # running it again changes nothing
    assert ScreeningMatch.objects.count() == 2


@pytest.mark.usefixtures("fable")
def test_the_status_page_says_access_is_on_hold_without_naming_the_list(
    csl_loaded: ImportResult,
) -> None:
    from django.test import Client

    user = listed_person()
    sign(user, **LISTED)
    client = Client()
    client.force_login(user)
    page = client.get("/status/").content.decode()
    assert "on hold while a compliance officer completes a routine check" in page
    assert "KAYAKIRAN" not in page
    assert "Foreign Sanctions" not in page


def test_without_lists_enrolled_rows_say_they_were_not_screened(
    owner: User, org: Organization
) -> None:
    data = csv_bytes(HEADER, "evren@example.com,Evren,Kayakiran,E1,Trade,no")
    job = run(submit(owner, org, data, mode="commit_valid_only"))
    assert [row["screening"] for row in result_rows(job)] == ["not_screened"]
    assert not ScreeningMatch.objects.exists()
