"""The quality app's public pages to GB/T 37668-2019 (WCAG 2.0 AA): axe-core finds no serious or
critical violation on the benchmark list and the standards register, with rows on them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.e2e.test_accessibility import AXE, RUN_AXE
from tests.quality.conftest import SYSTEM, campaign, enrol, firms, report_rules, standards  # noqa: F401 (fixtures)
from zhijian.quality import services

pytestmark = pytest.mark.e2e


def test_quality_public_pages_have_no_serious_accessibility_violation(audit_page, live_server, request):
    page = audit_page  # the injected axe-core script runs past the site's CSP
    made = {n: request.getfixturevalue(n) for n in ("campaign", "firms", "standards")}
    enrolment = enrol(SYSTEM, made["campaign"], made["firms"]["haishu"], made["standards"])
    services.review_enrolment(actor=SYSTEM, enrolment=enrolment, approve=True)
    services.record_enrolment_result(
        actor=SYSTEM,
        enrolment=enrolment,
        laboratory=None,
        report_no="R1",
        result_on=timezone.localdate(),
        met=True,
    )
    found = {}
    for url in (
        "/public/quality/",
        "/quality/standards/",
        f"/quality/standards/{enrolment.compared_standard_id}/",
    ):
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[url] = violations
    assert "深沟球轴承" in page.goto("/public/quality/").text()
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in found.items())
