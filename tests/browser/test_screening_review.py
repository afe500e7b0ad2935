"""An officer reviews a potential restricted-party match in a real browser; pages pass axe."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import User
from screening.models import ScreeningMatch
from screening.services.snapshots import snapshot_import
from screening.services.subjects import Subject, subject_screen
from tests.screening.conftest import CSL
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD, UserFactory
from tests.support.people import enrol_totp

pytestmark = [pytest.mark.browser]


def test_an_officer_compares_both_sides_and_clears_a_false_positive(
    page: Any, officer: User
) -> None:
    snapshot_import(path=CSL)
    person = UserFactory.create(email="ryong@example.com")
    subject_screen(
        subject=Subject.person(
            user=person,
            given_names="Ryong Nam",
            family_name="Rim",
            birth_date=dt.date(1978, 12, 5),
            countries=("KR",),
        ),
        context="attestation",
    )
    match = ScreeningMatch.objects.get(user=person)
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/screening/review/")
    assert "RIM, Ryong Nam" in page.get_by_role("table").inner_text()
    axe_check(page, "screening-queue")
    with next_page(page):
        page.get_by_role("link", name="Review the match for Ryong Nam Rim").click()
    assert "side by side" in page.content()
    assert "mismatch" in page.get_by_role("table").nth(1).inner_text()  # the nationality disagrees
    axe_check(page, "screening-match")
    with next_page(page):
        page.get_by_role("button", name="Record the decision").click()
    assert "Choose whether to clear or confirm" in page.content()
    page.get_by_label("Clear: a false positive").check()
    page.get_by_label("Reason").fill("A South Korean citizen; the listed person is North Korean.")
    with next_page(page):
        page.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in page.get_by_role("status").inner_text()
    match.refresh_from_db()
    assert match.status == "cleared"
