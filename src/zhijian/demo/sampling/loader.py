"""Synthetic sampling for the demo (合成抽检数据): deterministic for a seed, set-based and fast.

``load`` (the app's ``demo_loader``) builds, for the register ``zhijian demo`` has just loaded:

1. the catalogue, population figures and five laboratories; local food and product makers, added to
   the register through the real register import;
2. the plans of 2025 and 2026 with their tasks, and the samples of a whole year 2025 (demo: about
   2,700; city: about 56,400 food and 3,150 product batches) plus an autumn-2026 slice still in
   progress, written with COPY;
3. the laboratories' results, written as a results file and loaded through the real results import
   (so every result is judged by the same code a laboratory's upload is);
4. the post-processing of the failures: service of results, a few re-tests through the services,
   measures, re-checks, evidence and closures (most 2025 cases closed, some overdue and escalated),
   notices to outside regulators, and the monthly announcements of 2025.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from stdnum.cn import uscc as uscc_code

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.bulk import insert_rows
from zhijian.core.jobs import cli_progress
from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.core.workdays import Calendar
from zhijian.registry.models import Entity
from zhijian.sampling.deadlines import BulkDeadlines, request_kind
from zhijian.sampling.importing import import_results
from zhijian.sampling.judgement import Limit, plain
from zhijian.sampling.models import (
    CaseEvidence,
    CaseMeasure,
    CaseRecheck,
    CaseStatus,
    Category,
    ItemType,
    Judgement,
    Kind,
    LabAccount,
    Laboratory,
    MeasureKind,
    OutsideNotice,
    PostProcessingCase,
    Sample,
    SamplingPlan,
    SamplingTask,
    TestItem,
)
from zhijian.sampling.reference import load_reference

from . import profiles as P

# (food, product) batches of the full year; "test" is a small world for the test suite only.
SCALES = {"demo": (2_400, 315), "city": (56_400, 3_150), "test": (200, 40)}
FULL_YEAR = 2025
SLICE_START, SLICE_END = dt.date(2026, 10, 9), dt.date(2026, 11, 13)
SLICE_SHARE = 0.06  # of a year's batches, sampled in the autumn-2026 slice
ACTOR = SystemActor("demo")
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Spec:
    """One synthetic sample before it is written."""

    sample_no: str
    task_key: tuple
    kind: str
    purpose: str
    stage: str
    category: str
    unit: str
    product: str
    brand: str
    spec: str
    batch: str
    production_date: dt.date | None
    seller: tuple  # (id, uscc, name, address, unit code)
    producer: tuple | None  # (id or None, uscc, name, address, region, unit code or None)
    sampled_on: dt.date
    received_on: dt.date | None = None
    reported_on: dt.date | None = None
    failing: list[str] = field(default_factory=list)
    id: int | None = None


class World:
    """Everything the loader decided, kept for writing results and post-processing."""

    def __init__(self, seed: int, scale: str):
        self.seed, self.scale = seed, scale
        self.rng = random.Random(seed * 7919 + 5)
        self.calendar = Calendar()
        self.units = {j.code: j for j in Jurisdiction.objects.all()}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.items: dict[str, list[TestItem]] = {}
        for item in TestItem.objects.select_related("category").order_by("sort_order"):
            self.items.setdefault(item.category.code, []).append(item)
        self.labs = {lab.code: lab for lab in Laboratory.objects.all()}
        self.specs: list[Spec] = []
        self.serial: Counter = Counter()
        self.usccs: set[str] = set()

    # -- helpers --------------------------------------------------------------------------------------

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days, day = [], start
        while day <= end:
            if self.calendar.is_workday(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        return self.calendar.add(start, n).value

    def uscc(self, division: str, prefix: str = "91") -> str:
        while True:
            body = prefix + division + "".join(self.rng.choice(_ALPHABET) for _ in range(9))
            code = body + uscc_code.calc_check_digit(body)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def sample_no(self, kind: str, year: int, unit: str) -> str:
        key = (kind, year, unit)
        self.serial[key] += 1
        return f"{'DC' if kind == Kind.FOOD else 'CP'}{year % 100:02d}{unit}{self.serial[key]:05d}"


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


# --- 1. reference data, laboratories, local makers ---------------------------------------------------


def ensure_laboratories() -> None:
    for code, name, cma, food, products, retest in P.LABS:
        Laboratory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "cma_no": cma,
                "tests_food": food,
                "tests_products": products,
                "retest_qualified": retest,
                "active": True,
            },
        )


def add_local_makers(world: World, count: int, console) -> None:
    """Food and product manufacturers in the city, added through the real register import."""
    from zhijian.demo.generator import HEADER, OFFICES, write_csv
    from zhijian.registry.importing import import_entities

    rng = random.Random(world.seed * 31 + 17)
    districts = [code for code in P.ZONE_SHARES] + [
        u.code for u in world.units.values() if u.level == Jurisdiction.Level.DISTRICT
    ]
    rows = []
    existing = set(
        Entity.objects.filter(industry_code__in=[m[0] for m in P.LOCAL_MAKERS]).values_list("uscc", flat=True)
    )
    for n in range(count):
        industry, word, _cats = P.LOCAL_MAKERS[n % len(P.LOCAL_MAKERS)]
        unit = world.units[rng.choice(sorted(districts))]
        division = unit.division_code
        trade = rng.choice(P.BRANDS) + rng.choice("恒瑞丰泰华康源")
        code = world.uscc(division)
        if code in existing:
            continue
        place = unit.name.replace("市场监督管理局", "").replace("分局", "")
        rows.append(
            [
                code,
                f"宁波{trade}{word}有限公司",
                "有限责任公司（自然人投资或控股）",
                rng.choice("王李张陈林周徐孙胡朱") + rng.choice("建伟海军明华国强"),
                str(rng.choice((100, 200, 500, 1000, 3000))),
                (dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(6000))).isoformat(),
                "存续",
                f"浙江省宁波市{place}工业区{rng.choice(('创业路', '兴业路', '科技路', '港城路'))}{rng.randint(1, 300)}号",
                industry,
                unit.name,
                rng.choice(OFFICES.get(unit.code, [""])) if unit.code in OFFICES else "",
                "规上" if rng.random() < 0.3 else "",
                f"0574-8{rng.randint(0, 9999999):07d}",
            ]
        )
    if not rows:
        return
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"sampling-makers-{world.scale}-{world.seed}.csv"
    write_csv(path, rows)
    assert len(HEADER) == len(rows[0])
    result = import_entities(path, actor=ACTOR)
    if not result.ok:
        raise RuntimeError(f"demo makers import failed: {result.unreadable or result.issues[:3]}")
    console.print(f"抽检演示：新增本市生产企业 {result.created} 家（经市场主体导入）")


# --- 2. plans, tasks, samples ------------------------------------------------------------------------


class Pools:
    """Registered entities to sample from, per county-level unit and kind of place."""

    def __init__(self, world: World):
        self.world = world
        self.cache: dict[tuple[str, str], list[tuple]] = {}
        self.makers: dict[str, list[tuple]] = {}
        fields = ("id", "uscc", "name", "address", "jurisdiction__code")
        for industry, _word, cats in P.LOCAL_MAKERS:
            found = list(
                Entity.objects.filter(industry_code=industry, status="active")
                .order_by("id")
                .values_list(*fields)[:400]
            )
            for cat in cats:
                self.makers.setdefault(cat, []).extend(found)
        self.makers_in: dict[tuple[str, str], list[tuple]] = {}
        for cat, makers in self.makers.items():
            for maker in makers:
                self.makers_in.setdefault((cat, maker[4]), []).append(maker)

    def sellers(self, unit: str, place: str) -> list[tuple]:
        key = (unit, place)
        if key not in self.cache:
            prefixes = P.SELLER_CLASSES[place]
            qs = Entity.objects.filter(jurisdiction__code=unit, status="active")
            found: list[tuple] = []
            for prefix in prefixes:
                found += list(
                    qs.filter(industry_code__startswith=prefix)
                    .order_by("id")
                    .values_list("id", "uscc", "name", "address", "jurisdiction__code")[:1500]
                )
            if not found:
                found = list(
                    qs.order_by("id").values_list("id", "uscc", "name", "address", "jurisdiction__code")[:200]
                )
            self.cache[key] = found
        return self.cache[key]


def _unit_weights(world: World, total_zone: float = sum(P.ZONE_SHARES.values())) -> dict[str, float]:
    from zhijian.sampling.models import Population

    residents = {
        row.jurisdiction.code: row.residents
        for row in Population.objects.select_related("jurisdiction").filter(jurisdiction__level="district")
    }
    whole = sum(residents.values()) or 1
    weights = {code: (1 - total_zone) * n / whole for code, n in residents.items()}
    weights.update(P.ZONE_SHARES)
    return weights


def _production(rng: random.Random, sampled_on: dt.date, category: str) -> tuple[str, dt.date | None]:
    if category in P.NO_PRODUCER or category == "F1101":  # produce and utensils carry no batch
        return "", None
    if category in P.SELF_MADE:
        return "", sampled_on  # made on the day in the kitchen
    made = sampled_on - dt.timedelta(days=rng.randint(2, 150 if category.startswith("F") else 600))
    return f"{made:%Y%m%d}{rng.choice('ABCDEF')}{rng.randint(1, 9)}", made


def _producer(world: World, pools: Pools, spec_kind: str, category: str, seller: tuple, rng: random.Random):
    if category in P.NO_PRODUCER:
        return None
    if category in P.SELF_MADE:
        return (seller[0], seller[1], seller[2], seller[3], "", seller[4])
    makers = pools.makers.get(category, [])
    if makers and rng.random() < P.LOCAL_PRODUCER_SHARE[spec_kind]:
        made = rng.choice(makers)
        return (made[0], made[1], made[2], made[3], "", made[4])
    region, division = rng.choice(P.OUTSIDE)
    word = "食品" if spec_kind == Kind.FOOD else "实业"
    city = region.replace("省", " ").split()[-1].replace("市", "")
    name = f"{city}{rng.choice(P.BRANDS)}{word}有限公司"
    return (None, world.uscc(division), name, f"{region}经济开发区{rng.randint(1, 99)}号", region, None)


def generate_samples(
    world: World, year: int, start: dt.date, end: dt.date, food: int, product: int
) -> list[Spec]:
    rng = random.Random(world.seed * 1009 + year)
    pools = Pools(world)
    days = world.workdays(start, end)
    unit_weights = _unit_weights(world)
    food_shares = {code: v[0] for code, v in P.FOOD.items()}
    product_shares = {code: v[0] for code, v in P.PRODUCT.items()}
    specs: list[Spec] = []
    for kind, count in ((Kind.FOOD, food), (Kind.PRODUCT, product)):
        profiles = P.FOOD if kind == Kind.FOOD else P.PRODUCT
        for _ in range(count):
            unit = _weighted(rng, unit_weights)
            category = _weighted(rng, food_shares if kind == Kind.FOOD else product_shares)
            _share, rate, fail_weights, names, stages = profiles[category]
            purpose = _weighted(rng, P.FOOD_PURPOSES) if kind == Kind.FOOD else "supervision"
            stage = _weighted(rng, stages)
            sampled_on = rng.choice(days)
            makers_here = pools.makers_in.get((category, unit), [])
            if stage == "production" and not makers_here:
                stage = "circulation"
            if stage == "production":
                seller = rng.choice(makers_here)
            else:
                place = "catering" if stage == "catering" else ("retail" if kind == Kind.FOOD else "products")
                sellers = pools.sellers(unit, place)
                if not sellers:
                    continue
                seller = rng.choice(sellers)
            producer = (
                (seller[0], seller[1], seller[2], seller[3], "", seller[4])
                if stage == "production"
                else _producer(world, pools, kind, category, seller, rng)
            )
            batch, made = _production(rng, sampled_on, category)
            failing: list[str] = []
            if rng.random() < rate * P.PURPOSE_FACTOR[purpose]:
                failing.append(_weighted(rng, fail_weights))
                if rng.random() < 0.12:
                    second = _weighted(rng, fail_weights)
                    if second not in failing:
                        failing.append(second)
            specs.append(
                Spec(
                    sample_no=world.sample_no(kind, year, unit),
                    task_key=(year, kind, purpose, unit, category, stage),
                    kind=kind,
                    purpose=purpose,
                    stage=stage,
                    category=category,
                    unit=unit,
                    product=rng.choice(names),
                    brand="" if category in P.NO_PRODUCER | P.SELF_MADE else rng.choice(P.BRANDS),
                    spec=(
                        "散装"
                        if category in P.NO_PRODUCER
                        else (
                            "/"
                            if category in P.SELF_MADE
                            else rng.choice(P.SPECS.get(category, P.SPECS["food"]))
                        )
                    ),
                    batch=batch,
                    production_date=made,
                    seller=seller,
                    producer=producer,
                    sampled_on=sampled_on,
                    failing=failing,
                )
            )
    return specs


PLAN_TITLES = {
    (Kind.FOOD, "supervision"): "{y}年宁波市食品安全监督抽检计划",
    (Kind.FOOD, "evaluation"): "{y}年宁波市食品安全评价性抽检计划",
    (Kind.FOOD, "risk"): "{y}年宁波市食品安全风险监测计划",
    (Kind.PRODUCT, "supervision"): "{y}年宁波市流通领域产品质量监督抽查计划",
}


def write_tasks_and_samples(world: World, specs: list[Spec], *, in_progress_until: dt.date | None) -> None:
    """Plans, tasks (quota = batches) and samples, in bulk; the chain dates are decided here too."""
    rng = random.Random(world.seed * 4241 + len(specs))
    departments = {d.code: d for d in Department.objects.filter(code__in=("food_coordination", "product"))}
    plans: dict[tuple, SamplingPlan] = {}
    for (kind, purpose), title in PLAN_TITLES.items():
        for year in sorted({s.task_key[0] for s in specs}):
            plan, _ = SamplingPlan.objects.get_or_create(
                year=year,
                kind=kind,
                purpose=purpose,
                title=title.format(y=year),
                defaults={
                    "department": departments.get("food_coordination" if kind == Kind.FOOD else "product")
                },
            )
            plans[(year, kind, purpose)] = plan
    quotas = Counter(s.task_key for s in specs)
    unit_index = {code: i for i, code in enumerate(sorted(world.units))}
    existing = {
        (t.plan.year, t.plan.kind, t.plan.purpose, t.jurisdiction.code, t.category.code, t.stage): t.pk
        for t in SamplingTask.objects.select_related("plan", "jurisdiction", "category")
    }
    new_tasks = []
    for key, quota in quotas.items():
        if key in existing:
            continue
        year, kind, purpose, unit, category, stage = key
        labs = P.FOOD_LABS if kind == Kind.FOOD else P.PRODUCT_LABS
        lab = world.labs[labs[unit_index[unit] % len(labs)]]
        new_tasks.append(
            (
                plans[(year, kind, purpose)].pk,
                world.categories[category].pk,
                stage,
                world.units[unit].pk,
                lab.pk,
                quota,
                dt.date(year, 11, 30),
            )
        )
    insert_rows(
        SamplingTask,
        ("plan_id", "category_id", "stage", "jurisdiction_id", "laboratory_id", "quota", "due_on"),
        new_tasks,
    )
    tasks = {
        (t.plan.year, t.plan.kind, t.plan.purpose, t.jurisdiction.code, t.category.code, t.stage): (
            t.pk,
            t.laboratory_id,
        )
        for t in SamplingTask.objects.select_related("plan", "jurisdiction", "category")
    }
    rows = []
    now = dt.datetime.now(dt.UTC)
    for s in specs:
        task_id, lab_id = tasks[s.task_key]
        # the chain: most samples reach the laboratory within 5 working days and are reported within 20
        late_delivery = rng.random() < 0.03
        received = world.add_workdays(s.sampled_on, rng.randint(6, 8) if late_delivery else rng.randint(0, 4))
        late_report = rng.random() < 0.05
        reported = world.add_workdays(received, rng.randint(21, 27) if late_report else rng.randint(6, 20))
        status, received_on = "sampled", None
        if in_progress_until is not None:
            if received > in_progress_until:
                received, reported = None, None
            elif reported > in_progress_until:
                status, received_on, reported = "received", received, None
        s.received_on, s.reported_on = received, reported
        seller_unit = world.units[s.seller[4]].pk if s.seller[4] in world.units else None
        producer = s.producer
        rows.append(
            (
                s.sample_no,
                task_id,
                s.kind,
                s.purpose,
                s.stage,
                world.categories[s.category].pk,
                world.units[s.unit].pk,
                lab_id,
                s.product,
                s.brand,
                s.spec,
                s.batch,
                s.production_date,
                s.seller[0],
                s.seller[1],
                s.seller[2],
                s.seller[3],
                seller_unit,
                producer[0] if producer else None,
                producer[1] if producer else "",
                producer[2] if producer else "",
                producer[3] if producer else "",
                (producer[4] or world.units[producer[5]].name)
                if producer and producer[5]
                else (producer[4] if producer else ""),
                world.units[producer[5]].pk if producer and producer[5] else None,
                s.sampled_on,
                "甬抽样员" + str(rng.randint(1, 60)).zfill(2) + "、" + "甬抽样员" + str(rng.randint(61, 120)),
                status,
                received_on,
                "",
                "",
                "",
                "",
                now,
            )
        )
    insert_rows(
        Sample,
        (
            "sample_no",
            "task_id",
            "kind",
            "purpose",
            "stage",
            "category_id",
            "jurisdiction_id",
            "laboratory_id",
            "product_name",
            "brand",
            "specification",
            "batch_no",
            "production_date",
            "seller_id",
            "seller_uscc",
            "seller_name",
            "seller_address",
            "seller_jurisdiction_id",
            "producer_id",
            "producer_uscc",
            "producer_name",
            "producer_address",
            "producer_region",
            "producer_jurisdiction_id",
            "sampled_on",
            "samplers",
            "status",
            "received_on",
            "report_no",
            "initial_judgement",
            "judgement",
            "loop_status",
            "created_at",
        ),
        rows,
    )
    ids = dict(
        Sample.objects.filter(sample_no__in=[s.sample_no for s in specs]).values_list("sample_no", "id")
    )
    for s in specs:
        s.id = ids[s.sample_no]
    deadlines = BulkDeadlines()
    deadlines.insert("at_lab", ((s.id, s.kind, s.sampled_on) for s in specs))
    deadlines.insert(
        "report", ((s.id, s.kind, s.received_on) for s in specs if s.received_on and not s.reported_on)
    )
    audit.record_many(
        ACTOR,
        (
            audit.Change(
                "sampling.sample.register",
                "Sample",
                str(s.id),
                None,
                {
                    "sample_no": s.sample_no,
                    "product": s.product,
                    "seller": s.seller[1],
                    "sampled_on": s.sampled_on.isoformat(),
                },
            )
            for s in specs
        ),
    )


# --- 3. results --------------------------------------------------------------------------------------

RESULT_HEADER = [
    "抽样单编号",
    "检验项目",
    "检验结果",
    "结果单位",
    "检出限",
    "单项判定",
    "报告编号",
    "报告日期",
    "收样日期",
]


def _sig(value: float, digits: int = 3) -> str:
    """A figure as a laboratory writes it: ``digits`` significant digits, no exponent."""
    if value <= 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(value)))
    return f"{value:.{decimals}f}"


def figure(limit: Limit, fail: bool, rng: random.Random) -> tuple[str, str, str]:
    """(measured, unit, detection limit) for one item, passing or failing its limit."""
    unit, lod = limit.unit, limit.method_lod
    lod_text = str(plain(lod)) if lod is not None else ""
    if limit.rule == "qual":
        return ("不符合" if fail else "符合"), "", ""
    if limit.rule == "nd":
        if not fail:
            return "未检出", unit, lod_text
        base = float(lod) if lod else 0.01
        return _sig(base * rng.uniform(2, 40)), unit, lod_text
    if limit.rule == "plan":
        assert limit.plan is not None
        n, c, m, big_m = limit.plan
        if m == 0:
            values = ["未检出"] * n
            if fail:
                values[rng.randrange(n)] = "检出"
            return "/".join(values), unit, ""
        top = float(m)
        values = [rng.choice(["<10", str(int(rng.uniform(10, max(11, top * 0.8))))]) for _ in range(n)]
        if fail:
            if big_m is not None and rng.random() < 0.6:
                values[rng.randrange(n)] = str(int(float(big_m) * rng.uniform(1.5, 20)))
            else:
                for i in rng.sample(range(n), c + 1):
                    values[i] = str(int(top * rng.uniform(1.2, 0.99 * float(big_m or top * 10) / top)))
        return "/".join(values), unit, ""
    assert limit.value is not None
    bound = float(limit.value)
    if unit == "级":
        return (str(int(bound) - 1) if fail else rng.choice([str(int(bound)), str(int(bound) + 1)])), unit, ""
    if limit.rule == "max":
        if fail:
            value = bound * rng.uniform(1.2, 5)
        elif lod is not None and rng.random() < 0.55:
            return "未检出", unit, lod_text
        else:
            low = float(lod) if lod is not None else bound * 0.05
            value = rng.uniform(low, max(low * 1.01, bound * 0.7))
    elif limit.rule == "min":
        value = bound * (rng.uniform(0.55, 0.93) if fail else rng.uniform(1.06, 1.6))
    else:
        assert limit.low is not None
        low, span = float(limit.low), bound - float(limit.low)
        if fail:
            value = (
                bound + span * rng.uniform(0.1, 0.4)
                if rng.random() < 0.5
                else low - span * rng.uniform(0.1, 0.4)
            )
            return _sig(value) if value > 0 else f"{value:.1f}", unit, ""
        value = rng.uniform(low + 0.15 * span, bound - 0.15 * span)
        return (_sig(value) if value > 0 else f"{value:.1f}"), unit, ""
    # One figure in ten comes in another unit of the same kind, as real reports do.
    if unit == "mg/kg" and rng.random() < 0.1:
        return _sig(value * 1000), "μg/kg", (str(plain(lod * 1000)) if lod is not None else "")
    if unit == "g/kg" and rng.random() < 0.1:
        return _sig(value * 1000), "mg/kg", (str(plain(lod * 1000)) if lod is not None else "")
    return _sig(value), unit, lod_text


def write_results_file(world: World, specs: list[Spec], path: Path) -> int:
    """The laboratories' results of every reported sample, one row per item, as a CSV."""
    rng = random.Random(world.seed * 6151 + 3)
    serial: Counter = Counter()
    lab_of = dict(SamplingTask.objects.values_list("pk", "laboratory__code"))
    task_of = dict(Sample.objects.filter(pk__in=[s.id for s in specs]).values_list("pk", "task_id"))
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESULT_HEADER)
        for s in specs:
            if s.reported_on is None:
                continue
            lab = lab_of[task_of[s.id]]
            serial[(lab, s.reported_on.year)] += 1
            report_no = f"{lab}-{s.reported_on.year}-{serial[(lab, s.reported_on.year)]:06d}"
            for item in world.items[s.category]:
                fail = item.code in s.failing
                measured, unit, lod = figure(item.limit_spec, fail, rng)
                writer.writerow(
                    [
                        s.sample_no,
                        item.name,
                        measured,
                        unit,
                        lod,
                        "不合格" if fail else "合格",
                        report_no,
                        s.reported_on.isoformat(),
                        s.received_on.isoformat() if s.received_on else "",
                    ]
                )
                rows += 1
    return rows


# --- 4. post-processing ------------------------------------------------------------------------------

EVIDENCE_NAME = "sampling/evidence/demo/核查处置材料（演示）.pdf"
EVIDENCE_BODY = (
    "%PDF-1.4\n% 演示用核查处置材料：下架记录、整改报告、复查记录（合成数据）\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
).encode()


def _evidence_file() -> tuple[str, str, int]:
    if not default_storage.exists(EVIDENCE_NAME):
        default_storage.save(EVIDENCE_NAME, ContentFile(EVIDENCE_BODY))
    return EVIDENCE_NAME, hashlib.sha256(EVIDENCE_BODY).hexdigest(), len(EVIDENCE_BODY)


def serve_failures(world: World, specs: list[Spec]) -> None:
    """The failing results are served on the parties a few days after the report."""
    from zhijian.sampling.results import update_rows

    rng = random.Random(world.seed * 3301 + 11)
    failed = list(
        Sample.objects.filter(
            pk__in=[s.id for s in specs], initial_judgement=Judgement.FAIL, served_on__isnull=True
        )
        .values_list("pk", "kind", "reported_on")
        .order_by("pk")
    )
    served = [(pk, kind, reported + dt.timedelta(days=rng.randint(1, 4))) for pk, kind, reported in failed]
    update_rows(Sample, ("served_on",), [(pk, day) for pk, _kind, day in served])
    deadlines = BulkDeadlines()
    for kind in (Kind.FOOD, Kind.PRODUCT):
        deadlines.insert(request_kind(kind), ((pk, k, day) for pk, k, day in served if k == kind))
    audit.record_many(
        ACTOR,
        (
            audit.Change("sampling.result.serve", "Sample", str(pk), None, {"served_on": day.isoformat()})
            for pk, _k, day in served
        ),
    )


def retests(world: World, specs: list[Spec], share: float) -> int:
    """A few failures are contested; the drawn laboratory confirms most and reverses some."""
    from zhijian.sampling import services

    rng = random.Random(world.seed * 2207 + 5)
    by_id = {s.id: s for s in specs}
    done = 0
    candidates = Sample.objects.filter(
        pk__in=list(by_id), initial_judgement=Judgement.FAIL, kind=Kind.FOOD, served_on__isnull=False
    ).order_by("pk")
    for sample in candidates:
        if rng.random() >= share:
            continue
        spec = by_id[sample.pk]
        items = [
            i
            for i in world.items[spec.category]
            if i.code in spec.failing and i.item_type != ItemType.MICROBE
        ]
        if not items:
            continue
        assert sample.served_on is not None
        applied = world.add_workdays(sample.served_on, rng.randint(1, 6))
        objection = services.file_objection(
            actor=ACTOR,
            sample=sample,
            applicant_uscc=sample.seller_uscc,
            applicant_name=sample.seller_name,
            applied_on=applied,
            item_ids=[i.pk for i in items],
            reason="对检验结论有异议，申请复检",
            seed=f"demo-{world.seed}-{sample.sample_no}",
        )
        confirm = rng.random() < 0.7
        entries = []
        for item in items:
            measured, unit, lod = figure(item.limit_spec, confirm, rng)
            entries.append(services.ItemIn(item.pk, measured, unit, lod))
        services.record_retest(
            actor=ACTOR,
            objection=objection,
            report_no=f"FJ-{objection.retest_lab.code}-{applied.year}-{sample.pk:06d}",
            reported_on=world.add_workdays(applied, rng.randint(5, 10)),
            items=entries,
        )
        done += 1
    return done


def work_cases(world: World, specs: list[Spec], *, close_share: float, today: dt.date) -> dict:
    """Measures, re-checks, evidence and closure for the cases of ``specs``; notices sent."""
    from zhijian.sampling import services
    from zhijian.sampling.results import update_rows

    rng = random.Random(world.seed * 9173 + 1)
    path, digest, size = _evidence_file()
    cases = list(
        PostProcessingCase.objects.filter(sample_id__in=[s.id for s in specs], status=CaseStatus.OPEN)
        .values_list("pk", "sample_id", "party", "opened_on", "sample__kind")
        .order_by("pk")
    )
    measures, rechecks, evidence, closures, changes = [], [], [], [], []
    for pk, _sample_id, party, opened, kind in cases:
        first = opened + dt.timedelta(days=rng.randint(1, 5))
        if first > today:
            continue
        if party == "seller":
            measures.append(
                (pk, MeasureKind.REMOVAL, first, "", f"{rng.randint(2, 60)}件", "不合格产品已下架")
            )
        else:
            recall = MeasureKind.RECALL if kind == Kind.FOOD else MeasureKind.SEAL
            measures.append((pk, recall, first, "", f"{rng.randint(20, 800)}件", "召回、封存同批次产品"))
        measures.append(
            (pk, MeasureKind.RECTIFY, first, f"甬市监责改〔{first.year}〕{pk}号", "", "责令限期整改")
        )
        if rng.random() < 0.2:
            measures.append(
                (
                    pk,
                    MeasureKind.PROSECUTE,
                    first + dt.timedelta(days=3),
                    f"甬市监立〔{first.year}〕{pk}号",
                    "",
                    "立案调查",
                )
            )
        if rng.random() >= close_share:
            continue
        late = rng.random() < 0.03
        closed = opened + dt.timedelta(days=rng.randint(91, 120) if late else rng.randint(20, 85))
        if closed > today:
            continue
        rechecks.append((pk, closed - dt.timedelta(days=rng.randint(1, 6)), True, "整改到位"))
        evidence.append(
            (pk, path, "核查处置材料（演示）.pdf", "下架记录、整改报告及复查记录", digest, size, world_now())
        )
        closures.append(
            (pk, CaseStatus.CLOSED, closed, "经核查，已采取下架、整改等措施，复查整改到位，予以办结。")
        )
        changes.append(
            audit.Change(
                "sampling.case.close",
                "PostProcessingCase",
                str(pk),
                {"status": CaseStatus.OPEN},
                {"status": CaseStatus.CLOSED, "closed_on": closed.isoformat()},
            )
        )
    insert_rows(CaseMeasure, ("case_id", "kind", "taken_on", "document_no", "quantity", "note"), measures)
    insert_rows(CaseRecheck, ("case_id", "checked_on", "passed", "note"), rechecks)
    insert_rows(
        CaseEvidence,
        ("case_id", "file", "file_name", "description", "sha256", "size", "uploaded_at"),
        evidence,
    )
    update_rows(PostProcessingCase, ("status", "closed_on", "conclusion"), closures)
    audit.record_many(ACTOR, changes)
    notices = []
    for pk, created in (
        OutsideNotice.objects.filter(sample_id__in=[s.id for s in specs], sent_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "created_on")
    ):
        sent = created + dt.timedelta(days=rng.randint(2, 10))
        if sent <= today and rng.random() < 0.97:
            notices.append((pk, sent, f"甬市监协〔{sent.year}〕{pk}号"))
    update_rows(OutsideNotice, ("sent_on", "document_no"), notices)
    closed_loops = services.close_finished_loops(actor=ACTOR, sample_ids=[s.id for s in specs])
    return {"cases": len(cases), "closed": len(closures), "notices": len(notices), "loops": closed_loops}


def world_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def announce(months: list[tuple[int, int]], today: dt.date) -> int:
    """Monthly announcements (抽检信息公告) of every month with concluded samples, published."""
    from zhijian.sampling import services

    count = 0
    for year, month in months:
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        published = end + dt.timedelta(days=12)
        if published > today:
            continue
        for kind in (Kind.FOOD, Kind.PRODUCT):
            if not Sample.objects.filter(
                kind=kind, status="reported", announcement__isnull=True, reported_on__lte=end
            ).exists():
                continue
            issue = f"{year}年第{month}期"
            announcement = services.compile_announcement(
                actor=ACTOR, kind=kind, period_start=start, period_end=end, issue=issue
            )
            if announcement.passes + announcement.failures:
                services.publish_announcement(actor=ACTOR, announcement=announcement, published_on=published)
                count += 1
    return count


# --- demo accounts -----------------------------------------------------------------------------------

LAB_ACCOUNTS = [
    # username, display name, laboratory code
    ("lab_food", "甬诚食品检验检测中心 检验员", "L01"),
    ("lab_product", "甬江产品质量检验研究院 检验员", "L04"),
    ("lab_mingzhou", "明州质量检测 检验员", "L02"),
]
OFFICIAL_ACCOUNTS = [
    ("food", "食品协调处 张科长", "food_coordination"),
    ("product", "产品监管处 李科长", "product"),
]


def create_accounts(console) -> None:
    from zhijian.demo.accounts import DEMO_PASSWORD

    if settings.MODE == "production":
        return  # demo accounts never exist in production
    for username, display, lab_code in LAB_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.role, user.jurisdiction, user.department = display, Role.LAB, None, None
        user.set_password(DEMO_PASSWORD)
        user.save()
        LabAccount.objects.update_or_create(
            user=user, defaults={"laboratory": Laboratory.objects.get(code=lab_code)}
        )
        console.print(f"  {username:<12} 检验检测机构人员 {Laboratory.objects.get(code=lab_code).name}")
    for username, display, department in OFFICIAL_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.role, user.jurisdiction = display, Role.DEPARTMENT, None
        user.department = Department.objects.get(code=department)
        user.set_password(DEMO_PASSWORD)
        user.save()
        console.print(f"  {username:<12} 市局处室人员 {user.department.name}")


# --- the loader --------------------------------------------------------------------------------------


def prepare(
    *, seed: int, scale: str, console, today: dt.date | None = None
) -> tuple[World, list[Spec], list[Spec]]:
    """Steps 1–2: reference data, laboratories, makers, plans, tasks and samples (no results yet)."""
    food, product = SCALES[scale]
    load_reference(actor=ACTOR)
    ensure_laboratories()
    world = World(seed, scale)
    add_local_makers(world, {"city": 3000, "demo": 400}.get(scale, 120), console)
    today = today or dt.date.today()
    with transaction.atomic():
        year = generate_samples(
            world, FULL_YEAR, dt.date(FULL_YEAR, 1, 2), dt.date(FULL_YEAR, 12, 31), food, product
        )
        write_tasks_and_samples(world, year, in_progress_until=None)
    with transaction.atomic():
        slice_specs = generate_samples(
            world,
            SLICE_START.year,
            SLICE_START,
            SLICE_END,
            int(food * SLICE_SHARE),
            int(product * SLICE_SHARE),
        )
        write_tasks_and_samples(
            world, slice_specs, in_progress_until=min(SLICE_END + dt.timedelta(days=7), today)
        )
    return world, year, slice_specs


def load(*, seed: int, scale: str, console) -> None:
    """The app's demo loader (see the module docstring)."""
    if Sample.objects.exists():
        console.print("抽检演示数据已存在，跳过（重新生成请先清空数据库）")
        create_accounts(console)
        return
    today = dt.date.today()
    world, year, slice_specs = prepare(seed=seed, scale=scale, console=console, today=today)
    path = settings.VAR_DIR / "demo" / f"sampling-results-{scale}-{seed}.csv"
    rows = write_results_file(world, year + slice_specs, path)
    with cli_progress(f"导入检验结果 {path.name}") as progress:
        result = import_results(path, actor=ACTOR, progress=progress)
    if not result.ok:
        raise RuntimeError(f"demo results import failed: {result.unreadable or result.issues[:5]}")
    console.print(
        f"抽检演示：样品 {len(year) + len(slice_specs)} 批次，检验结果 {rows} 行；{result.summary()}"
    )
    with transaction.atomic():
        serve_failures(world, year + slice_specs)
        contested = retests(world, year, 0.03 if scale == "city" else 0.25)
        worked = work_cases(world, year, close_share=0.96, today=today)
        work_cases(world, slice_specs, close_share=0.0, today=today)
        from zhijian.sampling.services import escalate_overdue_cases

        escalated = escalate_overdue_cases(actor=ACTOR, today=today)
        published = announce(
            [(FULL_YEAR, m) for m in range(1, 13)] + [(FULL_YEAR + 1, m) for m in range(1, 12)], today
        )
    console.print(
        f"抽检演示：复检 {contested} 件；核查处置 {worked['cases']} 件，办结 {worked['closed']} 件，"
        f"闭环 {worked['loops']} 批次，逾期升级 {escalated} 件；发布抽检公告 {published} 期"
    )
    create_accounts(console)
