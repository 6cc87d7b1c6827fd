"""Browser fixtures for the end-to-end tests: Debian's chromium driven by Playwright's sync API.

The browser is the system one (/usr/bin/chromium); Playwright never downloads one. Without it the
tests are skipped. The pages are served by pytest-django's ``live_server`` (a transactional
database, flushed after each test: use the ``city`` fixture, which reloads the reference data).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django would then refuse the
# ORM calls that the factories make there. The live server answers from its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}


def chromium_missing_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _context(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    context.on("page", _accept_confirmations)
    return context


def _accept_confirmations(page) -> None:
    """A consequential decision asks first (ui.js ``data-confirm``): the tests answer yes and keep the
    questions asked in ``page.confirmations`` (Playwright would otherwise dismiss the dialog)."""
    page.confirmations = []

    def accept(dialog):
        page.confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized page (own cookies) on the live server."""
    context = _context(browser, live_server, DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    """A fresh phone-sized page (360×740) on the live server."""
    context = _context(browser, live_server, MOBILE)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def audit_page(browser, live_server):
    """A page whose Content-Security-Policy lets the injected axe-core script run (the site's own
    pages never run inline scripts; tests/e2e/test_security_pages.py checks them under the policy)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()
