"""Screenshots of 双随机、一公开 for the README, from a running demo (make demo, or gunicorn on a port).

.venv/bin/python docs/screenshots/take_inspections.py http://127.0.0.1:8103
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "zhijian-demo"  # noqa: S105 - the demo accounts' password


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True)
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        login(desk, base, "credit")
        desk.goto(f"{base}/inspections/")
        desk.screenshot(path=HERE / "inspections-home.png", full_page=True)
        desk.click("#tasks a >> nth=0")
        desk.screenshot(path=HERE / "inspections-task.png", full_page=False)
        public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        public.goto(f"{base}/public/inspections/")
        public.click("#draws a >> nth=-1")
        public.screenshot(path=HERE / "inspections-public-draw.png", full_page=False)
        phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
        login(phone, base, "inspector")
        phone.goto(f"{base}/inspections/field/")
        phone.click("#open a.visit >> nth=0")
        phone.screenshot(path=HERE / "inspections-field.png", full_page=True)
        code = phone.locator(".code").first.inner_text().strip()
        public.goto(f"{base}/public/inspections/v/{code}/")
        public.screenshot(path=HERE / "inspections-verify.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
