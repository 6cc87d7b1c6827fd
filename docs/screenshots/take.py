"""Take the README screenshots from a running demo server.

    .venv/bin/python docs/screenshots/take.py [BASE_URL]

BASE_URL defaults to $ZHIJIAN_URL or http://127.0.0.1:8000 (what ``make demo`` serves). Logs in as
the demo account ``haishu`` (password ``zhijian-demo``; override with $ZHIJIAN_USER and
$ZHIJIAN_PASSWORD) and writes 1280×800 PNGs next to this script. Uses Debian's chromium
(/usr/bin/chromium); never downloads a browser. Stops with an error, rather than saving a picture
of it, when a page or one of its static files does not load.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


class PageBroken(RuntimeError):
    pass


def watch(page: Page) -> list[str]:
    """Collect every response of the page that failed (4xx/5xx), static files included."""
    failures: list[str] = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failures.append(f"{r.failure} {r.url}"))
    return failures


def settle(page: Page, failures: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    broken = [f for f in failures if not f.endswith("/favicon.ico")]
    if broken:
        raise PageBroken(f"{page.url}: " + "; ".join(broken))


def shoot(page: Page, failures: list[str], name: str) -> None:
    settle(page, failures)
    path = OUT / name
    page.screenshot(path=str(path))
    print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}  ← {page.url}")


def goto(page: Page, url: str) -> None:
    response = page.goto(url)
    if response is None or response.status != 200:
        raise PageBroken(f"{url}: HTTP {response.status if response else 'no response'}")


PASSWORD = os.environ.get("ZHIJIAN_PASSWORD", "zhijian-demo")


def logged_in(browser, base: str, user: str, password: str = PASSWORD):
    """A new browser context logged in as ``user``: (context, page, failures of that page)."""
    context = browser.new_context(base_url=base, viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    failures = watch(page)
    goto(page, "/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/login/" in page.url:
        raise PageBroken(f"login as {user} failed")
    return context, page, failures


def main(base: str) -> None:
    user = os.environ.get("ZHIJIAN_USER", "haishu")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # The public first: login page and the public register, no session.
            public = browser.new_context(base_url=base, viewport=VIEWPORT, locale="zh-CN")
            page = public.new_page()
            failures = watch(page)
            goto(page, "/login/")
            shoot(page, failures, "login.png")
            goto(page, "/public/register/")
            page.fill("main form input[name=q]", "宁波")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            shoot(page, failures, "public-register.png")
            public.close()

            # A district user: the workbench, search, a detail page, the import page.
            staff, page, failures = logged_in(browser, base, user)
            goto(page, "/")
            shoot(page, failures, "workbench.png")
            goto(page, "/entities/")
            page.fill("form.filters input[name=q]", "宁波")
            with page.expect_navigation():
                page.click("form.filters button[type=submit]")
            shoot(page, failures, "entity-list.png")
            first = page.locator("table#entities tbody a").first
            if first.count() == 0:
                raise PageBroken("the search for 宁波 found no entity: is the demo data loaded?")
            with page.expect_navigation():
                first.click()
            shoot(page, failures, "entity-detail.png")
            goto(page, "/entities/import/")
            shoot(page, failures, "import.png")
            staff.close()
        finally:
            browser.close()


if __name__ == "__main__":
    base_url = (
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ZHIJIAN_URL", "http://127.0.0.1:8000")
    ).rstrip("/")
    try:
        main(base_url)
    except PageBroken as exc:
        sys.exit(f"screenshot aborted: {exc}")
