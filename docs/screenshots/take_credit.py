"""Take the credit screenshots of the README from a running demo server.

    .venv/bin/python docs/screenshots/take_credit.py [BASE_URL]

As ``take.py`` (whose helpers it uses): logs in as the demo accounts ``credit`` (distribution by
district, an entity's factors) and ``enterprise`` (its own credit page), and opens the public credit
report of the demo enterprise's firm.
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
            context, page, failures = logged_in(browser, base, "credit")
            goto(page, "/credit/")
            page.wait_for_selector("#chart[data-ready='1'] canvas")
            shoot(page, failures, "credit-distribution.png")
            goto(page, "/credit/classes/?class=D")
            with page.expect_navigation():
                page.locator("table#standings tbody a").first.click()
            shoot(page, failures, "credit-entity.png")
            context.close()
            context, page, failures = logged_in(browser, base, "enterprise")
            goto(page, "/credit/mine/")
            shoot(page, failures, "credit-mine.png")
            uscc = page.locator("main p.muted").first.inner_text().split("·")[0].strip()
            context.close()
            public = browser.new_context(base_url=base, viewport=VIEWPORT, locale="zh-CN")
            page = public.new_page()
            failures = watch(page)
            goto(page, f"/credit/report/{uscc}/")
            shoot(page, failures, "credit-report.png")
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
        sys.exit(f"screenshot failed: {exc}")
