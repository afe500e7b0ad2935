"""Every main page fits a phone: at 375 px wide nothing scrolls sideways.

Each page is opened as the person who uses it, with real content (long check
messages, e-mail addresses, token ids), and new or reworked pages are also run
through axe-core.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import Organization, User
from accounts.services.enrolments import enrolment_submit
from attestations.models import DocumentType
from attestations.services import document_submit
from entitlements.models import ModelTier
from entitlements.services.tokens import token_issue
from tests.accounts.factories import HEADER, csv_bytes, csv_file
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3
from tests.entitlements.support import person, signals, tier
from tests.support.browser import CHROMIUM_ARGS, axe_check, browser_login, next_page  # noqa: F401
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", bypass_csp=True, viewport=PHONE
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _local_addresses_count_as_clean(settings: Any) -> None:
    settings.IDV_GEO_ALLOW_LOCAL = True


class Widths:
    """Opens pages and collects every one wider than the phone, to report them all."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.too_wide: list[str] = []

    def check(self, name: str, *, axe: bool = False) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            widest = self.page.evaluate(
                """() => [...document.querySelectorAll('main *, header *')]
                     .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                     .slice(0, 3).map(e => e.tagName + '.' + e.className + ' '
                       + Math.round(e.getBoundingClientRect().right))"""
            )
            self.too_wide.append(f"{name} ({self.page.url}): {width}px, {widest}")
        if axe:
            axe_check(self.page, f"phone-{name}")

    def visit(self, path: str, name: str, *, axe: bool = False) -> None:
        self.page.goto(path)
        self.check(name, axe=axe)


def _officer_world(officer: User, owner: User, org: Organization, teammate: User) -> dict[str, str]:
    fable = tier("fable-5", name="Fable 5", min_level=2, us_person_required=True)
    holder = person(2, email="a.rather.long.address.for.a.phone@subsidiary.example.org")
    token_issue(user=holder, tier=fable, signals=signals())
    token_issue(user=holder, tier=ModelTier.objects.get(), signals=signals("CU", ()))
    AttestationFactory.create(user=teammate)
    waiting = document_submit(
        user=teammate, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    # The officer's own document: every check with its sentence, some failing.
    AttestationFactory.create(user=officer)
    mine = document_submit(
        user=officer, document_type=DocumentType.US_PASSPORT, mrz=td3(family="SMITHERSON")
    )
    data = csv_bytes(HEADER, "ada@example.com,Ada,Lovelace,E1,,", "not-an-email,X,Y,,,")
    job = enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="a-staff-list-with-a-long-file-name-2026-12.csv",
        size=len(data),
        mode="dry_run",
    )
    return {
        "holder": str(holder.public_id),
        "waiting": str(waiting.public_id),
        "mine": str(mine.public_id),
        "job": str(job.public_id),
    }


def test_every_main_page_fits_a_phone(
    phone: Any, officer: User, owner: User, org: Organization, teammate: User
) -> None:
    ids = _officer_world(officer, owner, org, teammate)
    widths = Widths(phone)

    widths.visit("/", "home-anonymous", axe=True)
    widths.visit("/accounts/login/", "sign-in", axe=True)
    widths.visit("/accounts/signup/", "sign-up", axe=True)
    widths.visit("/accounts/password/reset/", "password-reset", axe=True)

    # A compliance officer passes a second factor, or every page below is the enrolment page.
    enrol_totp(officer)
    browser_login(phone, officer.email, PASSWORD)
    assert "/accounts/2fa" not in phone.url
    widths.visit("/", "home-officer", axe=True)
    widths.visit("/status/", "status")
    widths.visit("/documents/", "document-new")
    widths.visit(f"/documents/{ids['mine']}/", "document-result", axe=True)
    widths.visit("/account/", "account", axe=True)
    widths.visit("/accounts/2fa/", "two-factor", axe=True)
    widths.visit("/accounts/email/", "email-addresses", axe=True)
    widths.visit("/review/", "review-queue")
    widths.visit(f"/review/{ids['waiting']}/", "review-detail")
    widths.visit("/console/", "console", axe=True)
    widths.visit("/console/users/?q=rather", "console-search")
    widths.visit(f"/console/users/{ids['holder']}/", "console-person")
    widths.visit("/console/tiers/fable-5/directive", "console-directive")
    widths.visit("/console/tiers/fable-5/edit", "console-tier")
    widths.visit("/organizations/", "organisations")
    for section in ("", "members", "invitations", "sponsorships", "enrolments"):
        widths.visit(f"/organizations/{org.public_id}/{section}", f"organisation-{section}")
    widths.visit(f"/organizations/{org.public_id}/enrolments/{ids['job']}/", "enrolment")
    widths.visit("/no-such-page/", "not-found", axe=True)

    widths.visit("/attest/", "attest-identity", axe=True)
    phone.get_by_label("Given names").fill("Anna Maria")
    phone.get_by_label("Family name").fill("Eriksson")
    phone.get_by_label("Date of birth").fill("1974-08-12")
    phone.get_by_label("Country of birth").select_option("US")
    phone.get_by_label("United States", exact=True).check()
    with next_page(phone):
        phone.get_by_role("button", name="Continue").click()
    widths.check("attest-status")
    phone.get_by_label("U.S. citizen", exact=True).check()
    with next_page(phone):
        phone.get_by_role("button", name="Continue").click()
    widths.check("attest-declaration")

    assert not widths.too_wide, "Wider than a phone:\n" + "\n".join(widths.too_wide)
