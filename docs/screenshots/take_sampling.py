"""Take the README screenshots of sampling from a running demo server.

    .venv/bin/python docs/screenshots/take_sampling.py [BASE_URL]

Uses the demo accounts ``admin``, ``lab_food`` and ``haishu`` (password ``zhijian-demo``) and the
helpers of ``take.py`` (Debian's chromium; stops rather than save a picture of a broken page).
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from take import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, PageBroken, goto, logged_in, shoot, watch  # noqa: E402


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context, page, failures = logged_in(browser, base, "admin")
            goto(page, "/sampling/?year=2025")
            page.wait_for_function("document.querySelector('#chart canvas') !== null")
            shoot(page, failures, "sampling-figures.png")
            context.close()

            context, page, failures = logged_in(browser, base, "lab_food")
            goto(page, "/sampling/samples/?judgement=fail")
            first = page.locator("table#samples tbody a").first
            if first.count() == 0:
                raise PageBroken("no failing sample: is the demo data loaded?")
            with page.expect_navigation():
                first.click()
            shoot(page, failures, "sampling-sample.png")
            context.close()

            context, page, failures = logged_in(browser, base, "haishu")
            goto(page, "/sampling/cases/?status=closed")
            with page.expect_navigation():
                page.locator("table#cases tbody a").first.click()
            shoot(page, failures, "sampling-case.png")
            context.close()

            public = browser.new_context(base_url=base, viewport=VIEWPORT, locale="zh-CN")
            page = public.new_page()
            failures = watch(page)
            goto(page, "/public/sampling/")
            with page.expect_navigation():
                page.locator("table#announcements a:has-text('食品抽检情况的通告（2025年第6期）')").click()
            shoot(page, failures, "sampling-announcement.png")
            public.close()
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
