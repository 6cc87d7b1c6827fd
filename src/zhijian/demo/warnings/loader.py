"""Demo of the early-warning platform: three years of weekly sampling and illness series per district
and food category, with two injected outbreaks, loaded through the outside-source service; then
detection, a raised warning distributed to three districts, and one district's answer.

Injected: (1) a contaminated batch of 宁波甬鲜食品有限公司 pickled vegetables (lot 20260508) failing
for 苯甲酸 in 海曙, 江北 and 鄞州 in the last two weeks; (2) a seasonal rise of 副溶血性弧菌 illness
cases in 象山 and 宁海 above their usual summer peak; (3) a rise of food complaints in 海曙 about
the same batch in the last two weeks, over three years of food and catering complaints in every
district. Deterministic for a seed and a date.

The complaints are a synthetic history of ``complaints.case_received`` events (payloads checked
against the complaints app's schema, tracking codes ``DEMO…`` that no real case has) handed to the
warnings handler that the event relay calls, as if the platform had received them over three
years; no complaints case is created. (The complaints demo's own cases come through its import,
which announces a run rather than each case; their food complaints join ``own.complaints`` when
the relay delivers their ``complaints.case_closed`` events.)
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from django.utils import timezone

from zhijian.core.access import SystemActor
from zhijian.core.events import checked_payload
from zhijian.core.models import Department, Jurisdiction
from zhijian.warnings import services
from zhijian.warnings.models import Signal, Source
from zhijian.warnings.services.detection import week_of
from zhijian.warnings.subscribers import record_food_complaint

ACTOR = SystemActor("demo")
CATEGORIES = [
    ("蔬菜制品", "苯甲酸", 0.03),
    ("水产制品", "铅", 0.02),
    ("肉制品", "亚硝酸盐", 0.02),
    ("糕点", "菌落总数", 0.04),
]
BATCH = ("宁波甬鲜食品有限公司", "酱腌菜", "20260508", ("330203", "330205", "330212"))
WEEKS = 156
# Weekly food complaints and reports per district (商品服务类别: mean), and the batch's complaints.
COMPLAINTS = (("food", 1.0), ("catering", 0.6))
BATCH_COMPLAINTS = ("330203", 6)


def _rows(rng, units, last_week):
    sampling, cases = [], []
    for unit in units:
        for category, hazard, rate in CATEGORIES:
            for w in range(WEEKS):
                week = last_week - dt.timedelta(weeks=WEEKS - 1 - w)
                tested = int(rng.poisson(12))
                failed = int(rng.binomial(tested, rate))
                sampling.append(
                    [
                        f"S{unit.code}{category}{week:%Y%m%d}",
                        week + dt.timedelta(days=2),
                        unit.code,
                        category,
                        hazard,
                        "流通",
                        "",
                        category,
                        "",
                        "",
                        tested,
                        failed,
                    ]
                )
        season = 1.2 + 1.0 * np.cos(2 * np.pi * (np.arange(WEEKS) - (WEEKS - 1)) / 52 - 0.6)
        for w in range(WEEKS):
            week = last_week - dt.timedelta(weeks=WEEKS - 1 - w)
            n = int(rng.poisson(season[w]))
            if unit.code in ("330225", "330226") and w >= WEEKS - 2:
                n += 9  # the seasonal rise beyond its usual peak
            if n:
                cases.append(
                    [
                        f"C{unit.code}{week:%Y%m%d}",
                        week + dt.timedelta(days=3),
                        unit.code,
                        "水产制品",
                        "副溶血性弧菌",
                        "餐饮",
                        "",
                        "",
                        "",
                        n,
                        "",
                        "",
                    ]
                )
    producer, product, lot, districts = BATCH
    for i, code in enumerate(districts):
        for k in range(3):
            sampling.append(
                [
                    f"B{code}{k}",
                    last_week - dt.timedelta(days=7 - i),
                    code,
                    "蔬菜制品",
                    "苯甲酸",
                    "流通",
                    producer,
                    product,
                    lot,
                    "",
                    1,
                    1,
                ]
            )
    return sampling, cases


def _load(code: str, rows: list[list]) -> None:
    header = [
        "记录号",
        "日期",
        "区县",
        "食品类别",
        "危害因素",
        "环节",
        "生产者",
        "产品",
        "批次",
        "数量",
        "检测数",
        "不合格数",
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{code}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows])
        report = services.load_source_file(actor=ACTOR, source=Source.objects.get(code=code), path=path)
        if not report.ok:
            raise RuntimeError(f"warnings demo: {report.unreadable or report.issues[:3]}")


def _food_complaints(rng, units, last_week: dt.date, today: dt.date) -> int:
    """Three years of food and catering complaints per district, through the warnings handler."""
    producer, product, _lot, _ = BATCH
    where, extra = BATCH_COMPLAINTS
    filed = 0
    for unit in units:
        for w in range(WEEKS):
            week = last_week - dt.timedelta(weeks=WEEKS - 1 - w)
            for category, mean in COMPLAINTS:
                n = int(rng.poisson(mean))
                batch = extra if unit.code == where and category == "food" and w >= WEEKS - 2 else 0
                for k in range(n + batch):
                    about_batch = k >= n
                    payload = checked_payload(
                        "complaints.case_received",
                        {
                            "case_id": 0,
                            "code": f"DEMO{unit.code}{week:%y%m%d}{category[0]}{k:02d}",
                            "kind": "complaint" if about_batch or rng.random() < 0.8 else "report",
                            "respondent_uscc": "",
                            "respondent_name": producer if about_batch else "",
                            "product": product if about_batch else "",
                            "jurisdiction": unit.code,
                            "received_on": min(week + dt.timedelta(days=int(rng.integers(0, 7))), today),
                            "category": category,
                            "channel": "phone",
                        },
                    )
                    record_food_complaint(SimpleNamespace(payload=payload))
                    filed += 1
    return filed


def load(*, seed: int, scale: str, console) -> None:
    if Signal.objects.exists():
        console.print("风险预警演示数据已存在，跳过")
        return
    rng = np.random.default_rng(seed)
    units = list(Jurisdiction.objects.filter(level="district").order_by("code"))
    today = timezone.localdate()
    last_week = week_of(today)
    sampling, cases = _rows(rng, units, last_week)
    _load("outside.national_sampling", sampling)
    _load("outside.hospital_cases", cases)
    complaints = _food_complaints(np.random.default_rng(seed + 1), units, last_week, today)
    signals = services.run_detection(actor=ACTOR, until=today, weeks=2)
    services.check_stale_sources(actor=ACTOR)
    batch = [s for s in signals if s.method == "rule-producer"]
    if batch:
        producer, product, lot, _ = BATCH
        warning = services.raise_warning(
            actor=ACTOR,
            signals=batch[:1],
            title=f"{producer}{product}苯甲酸超标",
            classification="follow_up",
            risk_level="high",
            hazard="苯甲酸",
            product=product,
            producer=producer,
            lots=lot,
            description="同一生产者同一批次产品在三个区县抽检不合格，疑为批次性问题。",
            departments=list(Department.objects.filter(code="food_production")),
        )
        first = warning.recipients.exclude(district=None).order_by("district__code").first()
        if first is not None:
            services.answer_warning(
                actor=ACTOR,
                recipient=first,
                findings="辖区内3家经营户在售该批次产品共42袋。",
                measures="已责令下架封存，通知生产者召回。",
            )
    console.print(
        f"风险预警：记录 {len(sampling) + len(cases)} 条，食品投诉举报 {complaints} 件，信号 {len(signals)} 个"
    )
