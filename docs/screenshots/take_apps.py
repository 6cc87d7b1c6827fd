"""Take the README screenshots of the newer apps from a running demo server.

    .venv/bin/python docs/screenshots/take_apps.py [BASE_URL]

As ``take.py`` (whose helpers it uses): 12315 complaints (``haishu``'s queue and a case; the public
form on a 360 px phone), food-safety warnings (``admin``'s cockpit and a signal), special equipment
(``haishu``'s due lists and the elevator screen; ``lift`` on a phone), quality (``admin``'s 对标达标
campaign) and the plan cockpit (``admin``: the catalogue, an indicator, the 1920×1080 screen scaled to
1280 px). Pictures are the viewport only, saved as 256-colour PNGs to stay small.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from take import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    OUT,
    PASSWORD,
    PageBroken,
    goto,
    logged_in,
    settle,
    watch,
)

PHONE = {"width": 360, "height": 740}


def shoot(page: Page, failures: list[str], name: str, width: int | None = None) -> None:
    """The viewport as a palette PNG (a few hundred KB at most), scaled down to ``width`` if given."""
    settle(page, failures)
    path = OUT / name
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        picture = image.convert("RGB")
        if width and picture.width > width:
            picture = picture.resize(
                (width, picture.height * width // picture.width), Image.Resampling.LANCZOS
            )
        picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    print(f"{shown}  ← {page.url}  ({path.stat().st_size // 1024} KB)")


def first_link(page: Page, selector: str, what: str) -> None:
    link = page.locator(selector).first
    if link.count() == 0:
        raise PageBroken(f"{page.url}: no {what}: is the demo data loaded?")
    with page.expect_navigation():
        link.click()


def phone(browser, base: str, user: str | None = None):
    context = browser.new_context(base_url=base, viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    failures = watch(page)
    if user:
        goto(page, "/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        if "/login/" in page.url:
            raise PageBroken(f"login as {user} failed")
    return context, page, failures


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # 12315: a district's queue and one of its cases; the public form on a phone.
            context, page, failures = logged_in(browser, base, "haishu")
            goto(page, "/complaints/cases/")
            shoot(page, failures, "complaints-list.png")
            first_link(page, "main table tbody a", "complaint")
            shoot(page, failures, "complaints-case.png")
            # Special equipment: the district's due lists and the elevator screen.
            goto(page, "/equipment/")
            shoot(page, failures, "equipment-home.png")
            goto(page, "/equipment/screen/")
            shoot(page, failures, "equipment-screen.png")
            context.close()

            context, page, failures = phone(browser, base)
            goto(page, "/public/complaints/")
            shoot(page, failures, "complaints-phone.png")
            context.close()

            context, page, failures = phone(browser, base, "lift")
            goto(page, "/equipment/mine/")
            shoot(page, failures, "equipment-phone.png")
            context.close()

            # Warnings, quality and the plan cockpit, city-wide.
            context, page, failures = logged_in(browser, base, "admin")
            goto(page, "/warnings/")
            page.locator("#heat").scroll_into_view_if_needed()  # the district-by-week heat table
            shoot(page, failures, "warnings-cockpit.png")
            goto(page, "/warnings/signals/")
            first_link(page, "main table tbody a", "signal")
            shoot(page, failures, "warnings-signal.png")
            goto(page, "/quality/")
            shoot(page, failures, "quality-campaign.png")
            goto(page, "/indicators/")
            shoot(page, failures, "indicators-home.png")
            first_link(
                page, "main tr:has-text('滞后') a[href^='/indicators/i/']", "indicator behind its target"
            )
            shoot(page, failures, "indicators-detail.png")
            page.set_viewport_size({"width": 1920, "height": 1080})
            goto(page, "/indicators/screen/")
            page.wait_for_timeout(1500)  # the screen fetches its figures after load
            shoot(page, failures, "indicators-screen.png", width=1280)
            context.close()
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
