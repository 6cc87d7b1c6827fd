"""Synthetic special equipment for the demo (``EquipmentConfig.demo_loader``), deterministic for a seed.

For the register ``zhijian demo`` has just loaded: a register of units at Ningbo's proportion (about
one unit per seven market entities, 70 % of them elevators) written as a provincial export and loaded
through the real import; a year of periodic inspections and half-monthly maintenance (bulk-written
with the production due-date rules); monitoring devices whose alarms go through the real ingestion,
with trapped passengers rescued through the real services — one arrival missed and escalated, two
cases still open on the screen; five silent devices; two accidents; last year's maintenance grades
computed and published; risk classes and reminders. Accounts: ``lift`` (a maintenance company),
``liftuser`` (a user unit with a mall), ``tsei`` (the inspection institute).
"""

from __future__ import annotations

import csv
import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.models import Role, User
from zhijian.equipment import services
from zhijian.equipment.importing import import_units
from zhijian.equipment.models import Inspection, MaintenanceRecord, Unit
from zhijian.equipment.rules import RuleBook, add_years
from zhijian.equipment.services.devices import MessageIn, ingest_many
from zhijian.equipment.services.register import apply_due_dates
from zhijian.registry.models import Entity

ACTOR = SystemActor("demo")
UNITS_PER_ENTITY = 0.15
CATEGORIES = [  # code,品种代码, share
    ("3000", "3110", 0.70),
    ("2000", "2110", 0.14),
    ("4000", "4110", 0.06),
    ("5000", "5110", 0.04),
    ("1000", "1100", 0.03),
    ("8000", "8200", 0.02),
    ("6000", "6100", 0.008),
    ("9000", "9100", 0.002),
]
PLACES = [
    ("住宅小区", 0.55),
    ("写字楼", 0.12),
    ("商场", 0.08),
    ("医院", 0.05),
    ("学校", 0.06),
    ("车站", 0.02),
    ("工厂", 0.12),
]
MAKERS = [
    "奥的斯电梯（中国）有限公司",
    "日立电梯（中国）有限公司",
    "三菱电机上海机电电梯有限公司",
    "通力电梯有限公司",
    "迅达（中国）电梯有限公司",
    "宁波宏大电梯有限公司",
    "西子电梯科技有限公司",
]
HEADER = [
    "设备代码",
    "设备种类",
    "设备品种代码",
    "使用登记证编号",
    "使用单位统一社会信用代码",
    "维保单位统一社会信用代码",
    "检验机构统一社会信用代码",
    "所在区县",
    "设备使用地点",
    "使用场所",
    "制造单位",
    "投入使用日期",
    "使用登记日期",
    "设备状态",
    "报废日期",
    "按需维保",
    "按需维保周期",
    "最近检验日期",
    "下次检验日期",
]


def _pick(rng: random.Random, weighted):
    x, total = rng.random(), 0.0
    for item in weighted:
        total += item[-1]
        if x < total:
            return item
    return weighted[-1]


def write_register(path, *, seed: int, today: dt.date) -> dict:
    """The provincial export of the synthetic register; returns who maintains and who inspects."""
    rng = random.Random(seed)
    entities = list(
        Entity.objects.filter(status="active")
        .exclude(entity_type="individual")
        .order_by("uscc")
        .values_list("uscc", "jurisdiction__code", "address")
    )
    count = max(200, int(Entity.objects.count() * UNITS_PER_ENTITY))
    maintainers = [e[0] for e in rng.sample(entities, min(40, len(entities) // 50 or 1))]
    institute = entities[rng.randrange(len(entities))][0]
    users = rng.sample(entities, min(len(entities), count // 3))
    book = RuleBook(today)
    rows = []
    for n in range(count):
        uscc, district, address = users[n % len(users)]
        category, variety, _ = _pick(rng, CATEGORIES)
        place = _pick(rng, PLACES)[0]
        commissioned = today - dt.timedelta(days=rng.randrange(20, 26 * 365))
        status = "在用" if rng.random() > 0.04 else rng.choice(["停用", "报废"])
        scrapped = (
            commissioned + dt.timedelta(days=rng.randrange(1, max(2, (today - commissioned).days)))
            if status == "报废"
            else None
        )
        registered = commissioned + dt.timedelta(days=rng.randrange(0, 25))
        if rng.random() < 0.01 and (today - commissioned).days < 60:
            registered = None
        kind = rng.random()
        last = valid = None
        if kind > 0.03 and (today - commissioned).days > 40:
            last = today - dt.timedelta(days=rng.randrange(1, 365))
            years = book.inspection_years(category, commissioned, last)
            if kind < 0.08:  # overdue: the last inspection was a cycle ago
                last = add_years(last, -years)
            valid = add_years(last, years)
        on_demand = category == "3000" and rng.random() < 0.05
        rows.append(
            [
                f"{variety}{district[:6].ljust(6, '0')}{commissioned.year}{n:06d}",
                category,
                variety,
                f"{variety[:2]}浙B{n:05d}({commissioned:%y})" if registered else "",
                uscc,
                rng.choice(maintainers) if category == "3000" else "",
                institute,
                district,
                f"{address[:60]}{n % 30 + 1}号梯" if category == "3000" else address[:80],
                place,
                rng.choice(MAKERS) if category == "3000" else "",
                commissioned.isoformat(),
                registered.isoformat() if registered else "",
                status,
                scrapped.isoformat() if scrapped else "",
                "是" if on_demand else "",
                "30" if on_demand else "",
                last.isoformat() if last else "",
                valid.isoformat() if valid else "",
            ]
        )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return {"maintainers": maintainers, "institute": institute, "count": count}


def year_of_records(*, seed: int, today: dt.date) -> tuple[int, int]:
    """Last year's inspections (those the register shows) and half-monthly maintenance of every elevator."""
    rng = random.Random(seed + 1)
    book = RuleBook(today)
    inspections, visits = [], []
    units = list(Unit.objects.filter(status="in_use").order_by("pk"))
    for unit in units:
        if unit.last_inspected_on:
            conclusion = "pass" if rng.random() > 0.04 else "rectified"
            inspections.append(
                Inspection(
                    unit=unit,
                    kind="periodic",
                    institute_uscc=unit.institute_uscc,
                    institute_name="宁波市特种设备检验研究院",
                    report_no=f"NBTJ{unit.last_inspected_on:%Y}-{unit.pk:07d}",
                    inspected_on=unit.last_inspected_on,
                    conclusion=conclusion,
                    valid_until=unit.inspection_valid_until,
                )
            )
            if rng.random() < 0.02:
                inspections.append(
                    Inspection(
                        unit=unit,
                        kind="periodic",
                        institute_uscc=unit.institute_uscc,
                        report_no=f"NBTJ-F-{unit.pk:07d}",
                        inspected_on=unit.last_inspected_on - dt.timedelta(days=20),
                        conclusion="fail",
                    )
                )
        if unit.category != "3000" or not unit.maintenance_uscc:
            continue
        interval = book.maintenance_days(unit.on_demand_maintenance, unit.maintenance_interval_days)
        sloppy = rng.random() < 0.1  # one company in ten skips visits
        day = max(unit.commissioned_on, today - dt.timedelta(days=365))
        last = None
        while day <= today - dt.timedelta(days=rng.randrange(0, 6)):
            if not (sloppy and rng.random() < 0.3):
                visits.append(
                    MaintenanceRecord(
                        unit=unit,
                        maintenance_uscc=unit.maintenance_uscc,
                        kind="on_demand" if unit.on_demand_maintenance else "half_month",
                        performed_on=day,
                        worker=rng.choice(["王建国", "李强", "张伟", "陈斌", "刘洋"]),
                    )
                )
                last = day
            day += dt.timedelta(days=interval - rng.randrange(0, 3))
        unit.last_maintained_on = last
        apply_due_dates(unit, book)
    with transaction.atomic():
        Inspection.objects.bulk_create(inspections, batch_size=5000)
        MaintenanceRecord.objects.bulk_create(visits, batch_size=5000)
        Unit.objects.bulk_update(units, ["last_maintained_on", "maintenance_due"], batch_size=2000)
        audit.record(
            ACTOR,
            audit.Change(
                "equipment.demo.records",
                "equipment.unit",
                "*",
                None,
                {"inspections": len(inspections), "maintenance": len(visits)},
            ),
        )
    return len(inspections), len(visits)


def devices_and_alarms(*, seed: int, now: dt.datetime) -> dict:
    """Devices on some elevators; a year of alarms through the real ingestion; rescues through the services."""
    rng = random.Random(seed + 2)
    lifts = list(
        Unit.objects.filter(category="3000", status="in_use").exclude(maintenance_uscc="").order_by("pk")
    )
    chosen = rng.sample(lifts, min(len(lifts), max(30, len(lifts) // 8)))
    devices = []
    for n, unit in enumerate(chosen):
        device, _ = services.register_device(actor=ACTOR, unit=unit, device_id=f"NB-IOT-{n:05d}")
        devices.append(device)
    batches: dict[int, list[MessageIn]] = {}
    kinds = ["door_fault"] * 6 + ["power_loss"] * 2 + ["over_speed"] + ["trapped"] * 2
    for i in range(len(devices) * 3):
        device = devices[rng.randrange(len(devices))]
        start = now - dt.timedelta(days=rng.randrange(2, 365), minutes=rng.randrange(0, 1440))
        kind = rng.choice(kinds)
        batches.setdefault(device.pk, []).extend(
            [
                MessageIn(f"e{i}", kind, start),
                MessageIn(f"e{i}c", kind, start + dt.timedelta(minutes=rng.randrange(3, 40)), "cleared"),
            ]
        )
    for n, device in enumerate(devices):  # today's heartbeats; the last five went quiet two hours ago
        seen = (
            now - dt.timedelta(hours=2)
            if n >= len(devices) - 5
            else now - dt.timedelta(seconds=rng.randrange(5, 60))
        )
        batches.setdefault(device.pk, []).append(MessageIn(f"hb-{seen:%Y%m%d%H%M%S}", "heartbeat", seen))
    result = ingest_many(batches)
    # Rescues of the past: arrival within the deadline except one; all closed.
    from zhijian.equipment.models import RescueCase

    cases = list(RescueCase.objects.filter(status="open").order_by("opened_at"))
    missed = cases[len(cases) // 2] if cases else None
    for case in cases:
        late = case is missed
        arrival = case.opened_at + dt.timedelta(
            minutes=rng.randrange(31, 50) if late else rng.randrange(8, 28)
        )
        if late:
            services.escalate_rescues(actor=ACTOR, now=case.arrival_deadline + dt.timedelta(minutes=1))
        services.record_arrival(actor=ACTOR, case=case, at=arrival)
        services.close_rescue(
            actor=ACTOR,
            case=case,
            rescued_at=arrival + dt.timedelta(minutes=rng.randrange(5, 20)),
            note="盘车救援，乘客安全撤离",
        )
    # Two passengers trapped right now: open on the district screens.
    live = ingest_many(
        {
            devices[0].pk: [MessageIn("live-1", "trapped", now - dt.timedelta(minutes=4))],
            devices[1].pk: [MessageIn("live-2", "trapped", now - dt.timedelta(minutes=12))],
        }
    )
    silent = services.flag_silent_devices(actor=ACTOR, now=now)
    return {
        "devices": len(devices),
        "alarms": result.alarms + live.alarms,
        "rescues": len(cases) + len(live.rescues),
        "missed": 1 if missed else 0,
        "silent": silent,
    }


def accidents(*, seed: int, today: dt.date) -> int:
    rng = random.Random(seed + 3)
    lifts = list(Unit.objects.filter(category="3000").order_by("pk")[:500])
    cranes = list(Unit.objects.filter(category="4000").order_by("pk")[:100]) or lifts
    year = today.year if today.month > 3 else today.year - 1
    services.record_accident(
        actor=ACTOR,
        unit=rng.choice(lifts),
        district_id=0,
        category="3000",
        occurred_on=dt.date(year, 3, 14),
        classification="general",
        serious_injuries=1,
        description="乘客电梯轿厢意外移动，一名乘客出轿厢时受伤（合成演示数据）",
    )
    services.record_accident(
        actor=ACTOR,
        unit=rng.choice(cranes),
        district_id=0,
        category="4000",
        occurred_on=dt.date(year, 2, 9),
        classification="general",
        deaths=1,
        description="桥式起重机吊物坠落致一名作业人员死亡（合成演示数据）",
    )
    return 2


def create_accounts(info: dict, console) -> None:
    from zhijian.demo.accounts import DEMO_PASSWORD

    if settings.MODE == "production":
        return
    mall_user = (
        Unit.objects.filter(place_kind="mall", category="3000")
        .order_by("pk")
        .values_list("user_unit_uscc", flat=True)
        .first()
    )
    lift = (
        Unit.objects.filter(rescues__isnull=False)
        .order_by("pk")
        .values_list("maintenance_uscc", flat=True)
        .first()
    )
    for username, display, role, uscc in (
        ("lift", "维保单位 值班员", Role.ENTERPRISE, lift or info["maintainers"][0]),
        ("liftuser", "使用单位 安全管理员", Role.ENTERPRISE, mall_user),
        ("tsei", "宁波市特种设备检验研究院 检验员", Role.LAB, info["institute"]),
    ):
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.role, user.entity_uscc = display, role, uscc or ""
        user.jurisdiction = user.department = None
        user.set_password(DEMO_PASSWORD)
        user.save()
        console.print(f"  {username:<12} {Role(role).label} {uscc}")


def load(*, seed: int, scale: str, console) -> None:
    """The app's demo loader (see the module docstring)."""
    if Unit.objects.exists():
        console.print("特种设备演示数据已存在，跳过（重新生成请先清空数据库）")
        return
    today = timezone.localdate()
    now = timezone.now()
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"equipment-{scale}-{seed}.csv"
    info = write_register(path, seed=seed, today=today)
    result = import_units(path, actor=ACTOR)
    if not result.ok:
        raise RuntimeError(f"demo equipment import failed: {result.unreadable or result.issues[:5]}")
    inspections, visits = year_of_records(seed=seed, today=today)
    alarms = devices_and_alarms(seed=seed, now=now)
    accidents(seed=seed, today=today)
    graded = services.compute_grades(actor=ACTOR, year=today.year - 1)
    if graded:
        services.publish_grades(actor=ACTOR, year=today.year - 1)
    services.compute_grades(actor=ACTOR, year=today.year)
    risk = services.compute_risk(actor=ACTOR, today=today)
    reminders = services.send_reminders(actor=ACTOR, today=today)
    console.print(
        f"特种设备演示：设备 {result.created} 台，检验 {inspections} 份，维保 {visits} 次；监测终端 {alarms['devices']} 台，"
        f"报警 {alarms['alarms']} 起，困人救援 {alarms['rescues']} 起（超时 {alarms['missed']}），失联 {alarms['silent']} 台；"
        f"事故 2 起；维保单位评级 {graded} 家；风险 {risk}；提醒 {reminders} 条"
    )
    create_accounts(info, console)
