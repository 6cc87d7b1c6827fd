"""Demo data of 双随机、一公开: the item catalogue, inspectors in every district, and tasks in each
state (drawn and worked, drawn and assigned, committed and waiting for its beacon, draft).

Everything goes through the services (audited, with events), the draws with secrets derived from the
seed, so that the same seed and register give the same draws.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from unittest import mock

from django.conf import settings
from django.utils import timezone

from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.inspections import algorithm, services
from zhijian.inspections.models import (
    CheckItem,
    Inspection,
    Inspector,
    Method,
    ObjectKind,
    Plan,
    Specialty,
    Task,
)
from zhijian.inspections.services import draws as draw_services

ITEMS = [
    # code, department, name, legal basis, object, entity types, method, specialty, key, content
    (
        "SJ-XY-001",
        "credit",
        "企业公示信息情况的检查",
        "《企业信息公示暂行条例》第十四条",
        "各类企业",
        [],
        Method.DOCUMENT,
        Specialty.GENERAL,
        False,
        "年度报告、即时信息公示的真实性、及时性",
    ),
    (
        "SJ-XY-002",
        "credit",
        "企业登记事项情况的检查",
        "《中华人民共和国市场主体登记管理条例》第三十五条",
        "各类企业",
        [],
        Method.ON_SITE,
        Specialty.GENERAL,
        False,
        "住所（经营场所）、法定代表人等登记事项与实际是否一致",
    ),
    (
        "SJ-XY-003",
        "credit",
        "个体工商户年度报告公示的检查",
        "《促进个体工商户发展条例》第二十九条",
        "个体工商户",
        ["individual"],
        Method.DOCUMENT,
        Specialty.GENERAL,
        False,
        "年度报告公示信息的真实性",
    ),
    (
        "SJ-CP-001",
        "product",
        "生产企业产品质量的检查",
        "《中华人民共和国产品质量法》第十五条",
        "工业产品生产企业",
        ["llc", "joint_stock"],
        Method.ON_SITE,
        Specialty.PRODUCT_QUALITY,
        True,
        "产品标识、执行标准、出厂检验",
    ),
    (
        "SJ-JL-001",
        "metrology",
        "计量器具使用情况的检查",
        "《中华人民共和国计量法》第九条",
        "使用强制检定计量器具的单位",
        [],
        Method.ON_SITE,
        Specialty.METROLOGY,
        False,
        "强制检定计量器具是否按期检定",
    ),
    (
        "SJ-TS-001",
        "special_equipment",
        "特种设备使用单位的检查",
        "《中华人民共和国特种设备安全法》第三十三条",
        "特种设备使用单位",
        ["llc", "joint_stock"],
        Method.ON_SITE,
        Specialty.SPECIAL_EQUIPMENT,
        True,
        "使用登记、定期检验、作业人员持证",
    ),
    (
        "SJ-SP-001",
        "food_coordination",
        "食品经营者经营活动的检查",
        "《中华人民共和国食品安全法》第一百一十条",
        "食品经营者",
        [],
        Method.ON_SITE,
        Specialty.FOOD,
        True,
        "经营许可、进货查验、贮存条件",
    ),
    (
        "SJ-WJ-001",
        "online",
        "网络交易经营者的检查",
        "《网络交易监督管理办法》第二十四条",
        "网络交易经营者",
        [],
        Method.ONLINE,
        Specialty.ADVERTISING,
        False,
        "亮照亮证、交易规则公示",
    ),
]
SURNAMES = "王李张刘陈杨黄赵吴徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳敏静强磊军洋勇艳杰涛明超霞平刚华建海波玲斌宁燕飞丹鹏浩宇晨"
EXTRA_SPECIALTIES = [
    Specialty.PRODUCT_QUALITY,
    Specialty.FOOD,
    Specialty.METROLOGY,
    Specialty.SPECIAL_EQUIPMENT,
]
# Demo accounts this app needs (also in zhijian/demo/accounts.py, which sets their passwords).
FIELD_ACCOUNTS = [
    ("inspector", "海曙区局 执法员 周明", "周明"),
    ("inspector2", "海曙区局 执法员 李华", "李华"),
]


def _user(username: str, role: str, *, jurisdiction=None, department=None, display: str = "") -> User:
    """The demo account's row (its password is set by the demo accounts step that follows)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=role,
            jurisdiction=jurisdiction,
            department=department,
            display_name=display,
        )
        user.set_unusable_password()
        user.save()
    return user


def _secret(seed: int, label: str) -> str:
    return hashlib.sha256(f"zhijian demo {seed} {label}".encode()).hexdigest()


def _issue(game: algorithm.Game, on: dt.date) -> str:
    """A plausible issue number for a draw day: the count of the game's draw days so far this year."""
    count = algorithm.draw_days_until(game, on)
    return f"{on.year}{count:03d}" if game.issue_digits == 7 else f"{on.year % 100:02d}{count:03d}"


class _DemoClock:
    """The services' clock during the demo's past draws: committed the day before a past lottery
    day, drawn the evening after it — so that the demo's draws are drawn and verifiable at once."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def localdate(self, value=None):
        return timezone.localdate(value or self.at)

    def localtime(self, value=None):
        return timezone.localtime(value or self.at)

    def __getattr__(self, name):
        return getattr(timezone, name)


def _commit_and_draw(actor, task: Task, seed: int, label: str, beacon: str):
    game = algorithm.GAMES["ssq"]
    on = algorithm.next_draw_day(game, timezone.now() - dt.timedelta(days=7))
    due = algorithm.beacon_due(game, on)
    clock = _DemoClock(due - dt.timedelta(days=1))
    with mock.patch.object(draw_services, "timezone", clock):
        draw = services.commit_draw(
            actor=actor,
            task=task,
            beacon_game=game.code,
            beacon_issue=_issue(game, on),
            beacon_date=on,
            secret=_secret(seed, label),
            salt=_secret(seed, label + " salt"),
        )
        clock.at = due + dt.timedelta(hours=1)
        return services.perform_draw(actor=actor, draw=draw, beacon_value=beacon)


def load(*, seed: int, scale: str, console) -> None:
    rng = random.Random(seed)
    units = {j.code: j for j in Jurisdiction.objects.all()}
    city = units["330200"]
    departments = {d.code: d for d in Department.objects.all()}
    admin = _user("admin", Role.CITY_ADMIN, display="市局管理员")
    credit = _user("credit", Role.DEPARTMENT, department=departments["credit"], display="信用监管处 王科长")
    haishu_staff = _user("haishu", Role.DISTRICT, jurisdiction=units["330203"], display="海曙区局 陈专员")

    for code, dept, name, basis, obj, types, method, specialty, key, content in ITEMS:
        fields = {
            "name": name,
            "legal_basis": basis,
            "object_type": obj,
            "entity_types": types,
            "method": method,
            "specialty": specialty,
            "is_key": key,
            "content": content,
        }
        services.save_check_item(actor=admin, code=code, department=departments[dept], fields=fields)

    accounts = settings.MODE != "production"
    field_users = {
        username: _user(username, Role.INSPECTOR, jurisdiction=units["330203"], display=display)
        for username, display, _name in FIELD_ACCOUNTS
        if accounts
    }
    serial = 0
    counties = [
        u for u in units.values() if u.level in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE)
    ]
    for unit in counties:
        for n in range(4):
            serial += 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            user = None
            if unit.code == "330203" and n < len(FIELD_ACCOUNTS):
                _username, _display, name = FIELD_ACCOUNTS[n]
                user = field_users.get(_username)
            specialties = [Specialty.GENERAL, EXTRA_SPECIALTIES[n % len(EXTRA_SPECIALTIES)]]
            services.save_inspector(
                actor=admin,
                certificate_no=f"3302{serial:08d}",
                name=name,
                jurisdiction=unit,
                specialties=specialties,
                user=user,
            )
    for n, dept in enumerate(["credit", "product", "special_equipment", "food_coordination"]):
        serial += 1
        services.save_inspector(
            actor=admin,
            certificate_no=f"3302{serial:08d}",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            jurisdiction=city,
            department=departments[dept],
            specialties=[Specialty.GENERAL, EXTRA_SPECIALTIES[n % len(EXTRA_SPECIALTIES)]],
        )

    today = timezone.localdate()
    year = today.year
    items = {i.code: i for i in CheckItem.objects.all()}
    city_plan = services.create_plan(
        actor=credit, year=year, title=f"{year}年度部门联合双随机抽查工作计划", jurisdiction=city
    )
    haishu_plan = services.create_plan(
        actor=haishu_staff,
        year=year,
        title=f"{year}年度海曙区双随机抽查工作计划",
        jurisdiction=units["330203"],
    )
    due = today + dt.timedelta(days=45)

    worked = services.create_task(
        actor=haishu_staff,
        plan=haishu_plan,
        title=f"{year}年海曙区企业公示信息抽查",
        items=[items["SJ-XY-001"], items["SJ-XY-002"]],
        starts_on=today,
        due_on=due,
        entity_types=["llc"],
    )
    _commit_and_draw(haishu_staff, worked, seed, "海曙公示", "03 11 19 24 27 30 + 09")
    services.assign_inspectors(actor=haishu_staff, task=worked)
    results = ["no_problem"] * 6 + ["unreachable", "not_disclosed", "pending", "rectified", "no_activity"]
    visits = list(
        Inspection.objects.filter(task=worked, status=Inspection.Status.ASSIGNED).order_by("stratum", "rank")
    )
    done = visits[: len(visits) * 2 // 3]
    for inspection in done:
        code = rng.choice(results)
        recorder = inspection.members.select_related("inspector__user").first().inspector.user or haishu_staff
        services.record_result(
            actor=recorder,
            inspection=inspection,
            result_code=code,
            completed_on=today,
            findings="现场核查"
            + {"no_problem": "未发现问题", "unreachable": "登记住所无该企业，电话无人接听"}.get(
                code, "发现问题，已告知"
            ),
            rectification_due=today + dt.timedelta(days=15) if code == "pending" else None,
        )
    services.publish_results(actor=haishu_staff, task=worked)

    joint = services.create_task(
        actor=credit,
        plan=city_plan,
        title=f"{year}年鄞州区生产企业部门联合抽查（公示信息＋产品质量）",
        items=[items["SJ-XY-001"], items["SJ-CP-001"]],
        starts_on=today,
        due_on=due,
        districts=[units["330212"]],
        entity_types=["llc"],
        industry_prefix="C",
    )
    _commit_and_draw(credit, joint, seed, "鄞州联合", "05 08 16 21 29 32 + 14")
    services.assign_inspectors(actor=credit, task=joint)

    waiting = services.create_task(
        actor=credit,
        plan=city_plan,
        title=f"{year}年全市特种设备使用单位抽查",
        items=[items["SJ-TS-001"]],
        starts_on=today,
        due_on=due,
        entity_types=["llc", "joint_stock"],
        industry_prefix="C34",
    )
    upcoming = algorithm.next_draw_day(algorithm.GAMES["ssq"], timezone.now() + dt.timedelta(days=1))
    services.commit_draw(
        actor=credit,
        task=waiting,
        beacon_game="ssq",
        beacon_issue=_issue(algorithm.GAMES["ssq"], upcoming),
        beacon_date=upcoming,
        secret=_secret(seed, "特种设备"),
        salt=_secret(seed, "特种设备 salt"),
    )
    services.create_task(
        actor=haishu_staff,
        plan=haishu_plan,
        title=f"{year}年海曙区个体工商户年报抽查",
        items=[items["SJ-XY-003"]],
        starts_on=today,
        due_on=due,
        entity_types=["individual"],
    )
    checks = Inspection.objects.exclude(status=Inspection.Status.CANCELLED).count()
    console.print(
        f"双随机抽查：事项 {CheckItem.objects.count()} 项，检查人员 {Inspector.objects.count()} 名，"
        f"任务 {Task.objects.count()} 个，检查 {checks} 户（已录入结果 {len(done)} 户）"
    )


def finish(*, seed: int, scale: str, console) -> None:
    """A drawn task over special-equipment user units in 海曙 (key units at the higher ratio), where
    the equipment app offers them; run after every app's loader, so its register and risk exist."""
    if ObjectKind.SPECIAL_EQUIPMENT not in dict(services.available_kinds()):
        return
    today = timezone.localdate()
    haishu = Jurisdiction.objects.get(code="330203")
    staff = _user("haishu", Role.DISTRICT, jurisdiction=haishu, display="海曙区局 陈专员")
    plan = Plan.objects.filter(jurisdiction=haishu, year=today.year).order_by("id").first()
    item = CheckItem.objects.filter(code="SJ-TS-001").first()
    if plan is None or item is None:
        return
    task = services.create_task(
        actor=staff,
        plan=plan,
        title=f"{today.year}年海曙区特种设备使用单位抽查（重点使用单位提高比例）",
        items=[item],
        starts_on=today,
        due_on=today + dt.timedelta(days=45),
        object_kind=ObjectKind.SPECIAL_EQUIPMENT,
    )
    try:
        draw = _commit_and_draw(staff, task, seed, "海曙特种设备", "02 07 13 18 25 31 + 06")
    except services.InspectionError as exc:  # no user units in the register: the task stays a draft
        console.print(f"特种设备使用单位抽查任务未抽取：{exc}")
        return
    console.print(
        f"特种设备使用单位抽查：名录 {draw.eligible_count} 户（{draw.strata_counts}），抽取 {draw.selected_count} 户"
    )
