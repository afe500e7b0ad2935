"""Headless Chromium (Debian's) driven by Playwright, with accessibility checks.

``page`` opens a fresh browser context against the live server. ``axe_check``
runs axe-core (WCAG 2.1 A/AA rules) on the current page and fails on any
violation, and saves a screenshot of the page as a CI artifact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium is not installed (Debian package `chromium`); scripts/system-deps.sh installs it."
    )


@contextmanager
def orm_beside_a_running_loop() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright's event loop runs in it.

    Django refuses ORM calls from a thread with a running event loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE says this is deliberate. Only browser tests need it,
    so it is set while a browser is open and then put back as it was: every other
    test keeps Django's guard.
    """
    name = "DJANGO_ALLOW_ASYNC_UNSAFE"
    before = os.environ.get(name)
    os.environ[name] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


# Module scope, not session: Playwright's sync API keeps an event loop marked as
# running in this thread while it is open, which breaks asyncio.run() in any
# later test; closing it with each browser-test module keeps that contained.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with orm_beside_a_running_loop(), sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    # bypass_csp: axe-core is injected as an inline script, which our CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@contextmanager
def next_page(page: Any) -> Iterator[None]:
    """The block does what a person does to leave a page (sends a form, follows a
    link); when it ends, the page that leads to has loaded.

    Waits for the new document's ``load`` event, not ``networkidle``: that one waits
    for half a second with nothing in flight after every step (about 40 s of browser
    time in the suite), and these pages fetch nothing after ``load`` except the
    enrolment progress poll, which no test waits for.
    """
    with page.expect_event("load"):
        yield


# The password form's button, not "Sign in with a passkey" beside it.
SIGN_IN = re.compile(r"^\s*sign in\s*$", re.IGNORECASE)


def browser_login(page: Any, email: str, password: str, *, answer_code: bool = True) -> None:
    """Sign in through the real login form, as a person would; a person with an
    authenticator app then types its current code (unless ``answer_code`` is off, for a
    test of that page itself)."""
    from accounts.models import User
    from tests.support.people import totp_code, totp_secret

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with next_page(page):
        page.get_by_role("button", name=SIGN_IN).click()
    if answer_code and "/accounts/2fa/authenticate/" in page.url:
        secret = totp_secret(User.objects.get(email__iexact=email))
        assert secret is not None, f"{email} is asked for a second factor but has no app"
        page.get_by_label("Code", exact=True).fill(totp_code(secret))
        with next_page(page):
            page.get_by_role("button", name=SIGN_IN).click()


def axe_check(page: Any, name: str) -> None:
    """Fail on any WCAG 2.1 A/AA violation axe-core finds; save a screenshot either way."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (scripts/test.sh does it).")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"Accessibility violations on {name}:\n" + json.dumps(
        violations, indent=2
    )
