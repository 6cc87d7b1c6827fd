"""Synthetic 12315 data for the demo (合成投诉举报数据): deterministic for a seed, set-based and fast.

``load`` (the app's ``demo_loader``) adds one year of complaints, reports and enquiries ending today at
Ningbo's volume (18.8万 in 2023 for about 150万 market entities, so 0.125 a year per entity: about 2,500
for the 20,000-entity demo, 188,000 at city scale), spread over the 2026-04-15 change of procedure:

1. ODR and 赔偿先付 firms are enrolled (with some withdrawals, so the registers have a history); the
   demo enterprise account's firm is one of them;
2. the cases are written as a national-platform export and loaded through the real import (so every
   row obeys the rules real data does), with likely duplicates (the same complainant again a few days
   later), mass complaints about a few respondents in one month, and repeated identical reports;
3. their handling is applied set-based by age: firms settle ODR complaints, officers accept (a few
   late), mediate (61.5 % success, Ningbo 2023), terminate, refer reports to cases; recent cases stay
   open and some run overdue; outcomes are emitted as ``complaints.case_closed`` events;
4. clusters are computed and a few firms reply on their disclosure page.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhijian.complaints import deadlines
from zhijian.complaints.duplicates import compute_clusters
from zhijian.complaints.importing import import_cases
from zhijian.complaints.models import Case, CaseStep, Enrolment, FirmReply, Kind, Mediation, Outcome, Status
from zhijian.complaints.rules import ensure_rules
from zhijian.complaints.services._base import outcome_payload
from zhijian.core import audit, events
from zhijian.core.access import SystemActor
from zhijian.core.bulk import insert_rows
from zhijian.core.models import Deadline
from zhijian.core.rules import rule
from zhijian.core.workdays import Calendar, due_after
from zhijian.registry.models import Entity

from .profiles import CLUSTER_THEME, COMPLAINTS, ENQUIRIES, GIVEN, REPORTS, SURNAMES

ACTOR = SystemActor("demo")
PER_ENTITY_YEAR = 0.125  # 18.8万 cases / about 150万 entities (Ningbo 2023)


def _person(rng: random.Random, n: int) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3456789')}{n % 10}{rng.randrange(10**8):08d}"


def _text_variant(text: str, rng: random.Random) -> str:
    """The same complaint in slightly other words: near-identical for the duplicate detector."""
    return text.replace("，", "，" if rng.random() < 0.5 else "；", 1) + rng.choice(
        ("", "请尽快处理。", "！")
    )


def _enrol(rng, entities, today: dt.date, enterprise_uscc: str | None) -> tuple[list[str], set[str]]:
    """ODR (0.33 % of entities, the 2025 target's share) and 赔偿先付 firms (0.023 %), with history."""
    count = max(8, round(len(entities) * 5000 / 1_500_000))
    comp_count = max(3, round(len(entities) * 350 / 1_500_000))
    chosen = rng.sample(entities, min(len(entities), count + comp_count))
    odr = [e for e in chosen[:count]]
    if enterprise_uscc:
        demo_firm = next((e for e in entities if e.uscc == enterprise_uscc), None)
        if demo_firm is not None and demo_firm not in odr:
            odr[0] = demo_firm
    comp_first = chosen[count:]
    start = today - dt.timedelta(days=540)
    rows, withdrawn = [], set()
    for i, entity in enumerate(odr):
        enrolled = start + dt.timedelta(days=rng.randrange(200))
        if i % 12 == 5:  # withdrew and came back: two rows of history
            left = enrolled + dt.timedelta(days=60)
            rows.append(
                (entity.pk, entity.uscc, "odr", enrolled, left, "企业主动申请退出", entity.jurisdiction_id)
            )
            enrolled = left + dt.timedelta(days=30)
        if i % 17 == 9 and entity.uscc != enterprise_uscc:  # withdrew for good during the year
            gone = today - dt.timedelta(days=rng.randrange(30, 200))
            rows.append(
                (
                    entity.pk,
                    entity.uscc,
                    "odr",
                    enrolled,
                    gone,
                    "未按时处理投诉，取消资格",
                    entity.jurisdiction_id,
                )
            )
            withdrawn.add(entity.uscc)
            continue
        rows.append((entity.pk, entity.uscc, "odr", enrolled, None, "", entity.jurisdiction_id))
    for entity in comp_first:
        rows.append(
            (
                entity.pk,
                entity.uscc,
                "comp_first",
                start + dt.timedelta(days=rng.randrange(300)),
                None,
                "",
                entity.jurisdiction_id,
            )
        )
    insert_rows(
        Enrolment,
        ("entity", "uscc", "programme", "enrolled_on", "withdrawn_on", "withdrawal_reason", "jurisdiction"),
        rows,
    )
    return [e.uscc for e in odr if e.uscc not in withdrawn], withdrawn


def _export_rows(rng: random.Random, entities, odr_usccs: list[str], total: int, today: dt.date):
    """The year as platform-export rows: (platform_no, kind, received_on, name, phone, respondent name,
    uscc, place, category, product, subject, description, demand)."""
    first_day = today - dt.timedelta(days=364)
    rows = []
    serial = 0

    def add(
        kind, on, person, respondent_name, uscc, place, category, product, subject, description, demand=""
    ):
        nonlocal serial
        serial += 1
        rows.append(
            [
                f"ZJ{on:%Y%m%d}{serial:07d}",
                kind,
                on.isoformat(),
                person[0],
                person[1],
                respondent_name,
                uscc,
                place,
                category,
                product,
                subject,
                description,
                demand,
            ]
        )

    by_uscc = {e.uscc: e for e in entities}
    heavy = odr_usccs[: max(3, len(odr_usccs) // 3)]  # big retailers draw many complaints
    for n in range(total):
        on = first_day + dt.timedelta(days=rng.randrange(365))
        person = _person(rng, n)
        roll = rng.random()
        kind = "投诉" if roll < 0.73 else ("举报" if roll < 0.93 else "咨询")
        if kind == "投诉" and rng.random() < 0.25 and heavy:
            entity = by_uscc[rng.choice(heavy)]
        else:
            entity = rng.choice(entities)
        known = rng.random()
        if known < 0.85:
            name, uscc, place = entity.name, entity.uscc, ""
        elif known < 0.95:
            name, uscc, place = entity.name, "", ""
        else:
            name = rng.choice(SURNAMES) + rng.choice(("记小吃店", "氏水果摊", "家便利店", "师傅维修部"))
            uscc, place = "", entity.jurisdiction.code
        if kind == "投诉":
            category, product, subject, description, demand = rng.choice(COMPLAINTS)
            add(kind, on, person, name, uscc, place, category, product, subject, description, demand)
            if rng.random() < 0.03 and on + dt.timedelta(days=7) <= today:  # the same person files again
                again = on + dt.timedelta(days=rng.randrange(1, 7))
                add(
                    kind,
                    again,
                    person,
                    name,
                    uscc,
                    place,
                    category,
                    product,
                    subject,
                    _text_variant(description, rng),
                    demand,
                )
        elif kind == "举报":
            category, product, subject, description = rng.choice(REPORTS)
            add(kind, on, person, name, uscc, place, category, product, subject, description)
            if rng.random() < 0.03 and on + dt.timedelta(days=20) <= today:  # an identical report again
                add(
                    kind,
                    on + dt.timedelta(days=rng.randrange(5, 20)),
                    person,
                    name,
                    uscc,
                    place,
                    category,
                    product,
                    subject,
                    description,
                )
        else:
            category, product, subject, description = rng.choice(ENQUIRIES)
            add(
                kind,
                on,
                person,
                "咨询",
                "",
                entity.jurisdiction.code,
                category,
                product,
                subject,
                description,
            )
    # mass complaints: a few gyms close in one month and dozens of members complain
    for k in range(max(2, total // 800)):
        entity = rng.choice(entities)
        month_start = (first_day + dt.timedelta(days=rng.randrange(30, 300))).replace(day=1)
        for i in range(rng.randrange(8, 25)):
            on = month_start + dt.timedelta(days=rng.randrange(27))
            category, product, subject, description, demand = CLUSTER_THEME
            add(
                "投诉",
                min(on, today),
                _person(rng, 10_000 + k * 100 + i),
                entity.name,
                entity.uscc,
                "",
                category,
                product,
                subject,
                description + f"会员卡号尾号{rng.randrange(1000, 9999)}。",
                demand,
            )
    rows.sort(key=lambda r: r[2])
    return rows


HEADER = [
    "平台编号",
    "类别",
    "登记日期",
    "姓名",
    "联系电话",
    "被投诉举报对象",
    "统一社会信用代码",
    "交易发生地",
    "商品服务类别",
    "商品或服务名称",
    "标题",
    "事实和理由",
    "诉求",
]


def _work(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Apply a year of handling to the imported cases, by age; set-based writes."""
    calendar = Calendar()
    rules: dict = {}

    def due(kind: str, received: dt.date, start: dt.date):
        key = (deadlines.KINDS[kind][0], received >= deadlines.ORDER_121_FROM)
        if key not in rules:
            rules[key] = rule(key[0], on=received)
        found = rules[key]
        return found, due_after(start, found, calendar)

    updates, new_deadlines, steps, mediations, closed_ids = [], [], [], [], []
    counts = {"closed": 0, "overdue": 0, "odr_settled": 0, "mediated": 0, "terminated": 0, "filed": 0}
    now = timezone.now()
    for case in Case.objects.filter(channel="platform").order_by("id").iterator(chunk_size=5000):
        age = (today - case.received_on).days
        f = {
            "status": case.status,
            "accepted_on": None,
            "closed_on": None,
            "outcome": "",
            "odr_ended_on": None,
            "termination_ground": "",
            "amount_recovered": Decimal(0),
            "handling_due": case.handling_due,
            "acceptance_due": case.acceptance_due,
            "reporter_told_on": None,
            "parties_told_on": None,
            "case_decision_no": "",
            "result_text": "",
            "not_accepted_ground": "",
        }
        if case.kind == Kind.ENQUIRY:
            if age > 2:
                f.update(
                    status=Status.CLOSED,
                    outcome=Outcome.ANSWERED,
                    closed_on=case.received_on + dt.timedelta(days=1),
                )
        elif case.kind == Kind.COMPLAINT:
            start = case.received_on
            if case.status == Status.ODR and case.odr_until < today:
                ended = case.received_on + dt.timedelta(days=rng.randrange(1, 9))
                if rng.random() < 0.6 and ended <= today:
                    amount = Decimal(rng.randrange(50, 3000))
                    f.update(
                        status=Status.CLOSED,
                        outcome=Outcome.ODR_SETTLED,
                        closed_on=ended,
                        odr_ended_on=ended,
                        amount_recovered=amount,
                        result_text="企业与消费者协商一致，已退款",
                    )
                    steps.append(
                        (case.pk, now, ended, "odr_settled", "企业与消费者达成和解", "", "企业", True)
                    )
                    counts["odr_settled"] += 1
                else:
                    start = min(case.odr_until, today)
                    found, acc = due("acceptance", case.received_on, start)
                    f.update(status=Status.RECEIVED, odr_ended_on=start, acceptance_due=acc.value)
                    new_deadlines.append((case.pk, "acceptance", start, found, acc))
                    steps.append(
                        (
                            case.pk,
                            now,
                            start,
                            "odr_failed",
                            "企业未能和解，转市场监管部门处理",
                            "",
                            "企业",
                            True,
                        )
                    )
            if f["status"] == Status.RECEIVED and age > 12:
                late = rng.random() < 0.01
                accepted = start + dt.timedelta(days=rng.randrange(9, 16) if late else rng.randrange(1, 7))
                if rng.random() < 0.04:
                    f.update(
                        status=Status.NOT_ACCEPTED,
                        outcome=Outcome.NOT_ACCEPTED,
                        closed_on=accepted,
                        not_accepted_ground="no_dispute",
                    )
                elif accepted <= today:
                    found, med = due("mediation", case.received_on, accepted)
                    f.update(status=Status.ACCEPTED, accepted_on=accepted, handling_due=med.value)
                    new_deadlines.append((case.pk, "mediation", accepted, found, med))
                    steps.append((case.pk, now, accepted, "accepted", "已受理", "", "承办人", True))
                    ends = accepted + dt.timedelta(days=rng.randrange(5, 50))
                    if ends <= today - dt.timedelta(days=3) and rng.random() < 0.97:
                        agreed = rng.random() < 0.6151
                        amount = Decimal(rng.randrange(100, 1300)) if agreed else Decimal(0)
                        mediations.append(
                            (
                                case.pk,
                                ends,
                                "电话调解",
                                agreed,
                                amount,
                                "双方达成协议，商家退款" if agreed else "双方分歧较大，未达成协议",
                            )
                        )
                        if agreed:
                            f.update(
                                status=Status.CLOSED,
                                outcome=Outcome.MEDIATED,
                                closed_on=ends,
                                amount_recovered=amount,
                            )
                            counts["mediated"] += 1
                        else:
                            f.update(
                                status=Status.CLOSED,
                                outcome=Outcome.TERMINATED,
                                closed_on=ends,
                                termination_ground="no_agreement",
                                parties_told_on=ends + dt.timedelta(days=2),
                            )
                            found_n, notice = due("termination_notice", case.received_on, ends)
                            new_deadlines.append((case.pk, "termination_notice", ends, found_n, notice))
                            counts["terminated"] += 1
                        steps.append((case.pk, now, ends, "closed", "办结", "", "承办人", True))
                    elif rng.random() < 0.5:
                        f["status"] = Status.MEDIATING
                        mediations.append(
                            (
                                case.pk,
                                accepted + dt.timedelta(days=2),
                                "电话调解",
                                False,
                                Decimal(0),
                                "首次调解未达成协议",
                            )
                        )
        else:  # reports
            if age > 20 and rng.random() < 0.95:
                decided = case.received_on + dt.timedelta(days=rng.randrange(5, 20))
                filed = rng.random() < 0.15
                f.update(
                    status=Status.CLOSED,
                    closed_on=decided,
                    outcome=Outcome.FILED if filed else Outcome.NOT_FILED,
                    case_decision_no=f"甬市监立〔{decided.year}〕{case.pk}号" if filed else "",
                    reporter_told_on=decided + dt.timedelta(days=rng.randrange(1, 5)),
                )
                found, fb = due("report_feedback", case.received_on, decided)
                new_deadlines.append((case.pk, "report_feedback", decided, found, fb))
                steps.append(
                    (
                        case.pk,
                        now,
                        decided,
                        "decided",
                        "举报" + ("已立案" if filed else "不予立案"),
                        "",
                        "承办人",
                        True,
                    )
                )
                counts["filed"] += filed
        if f["status"] in (Status.CLOSED, Status.NOT_ACCEPTED):
            counts["closed"] += 1
            closed_ids.append(case.pk)
        updates.append((case.pk, f))
    _apply(updates)
    insert_rows(
        Deadline,
        ("object_type", "object_id", "kind", "start", "working_days", "due", "provisional", "rule"),
        [
            (deadlines.OBJECT_TYPE, str(pk), kind, start, int(found.value), d.value, d.provisional, found.pk)
            for pk, kind, start, found, d in new_deadlines
        ],
    )
    insert_rows(CaseStep, ("case", "at", "on", "action", "label", "note", "actor_name", "public"), steps)
    insert_rows(Mediation, ("case", "held_on", "method", "agreed", "amount", "note"), mediations)
    payloads = [
        outcome_payload(c)
        for c in Case.objects.filter(
            pk__in=closed_ids, kind__in=[Kind.COMPLAINT, Kind.REPORT]
        ).select_related("jurisdiction")
    ]
    events.emit_many("complaints.case_closed", payloads)
    counts["overdue"] = _overdue(today)
    return counts


FIELDS = (
    "status",
    "accepted_on",
    "closed_on",
    "outcome",
    "odr_ended_on",
    "termination_ground",
    "amount_recovered",
    "handling_due",
    "acceptance_due",
    "reporter_told_on",
    "parties_told_on",
    "case_decision_no",
    "result_text",
    "not_accepted_ground",
)


def _apply(updates: list[tuple[int, dict]]) -> None:
    """One statement per batch: a temporary table joined in on PostgreSQL, executemany on SQLite."""
    table = Case._meta.db_table
    sets = ", ".join(f"{name} = %s" for name in FIELDS)
    values = [[f[name] for name in FIELDS] + [pk] for pk, f in updates]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE demo_case_updates ON COMMIT DROP AS "  # noqa: S608
                f"SELECT id, {', '.join(FIELDS)} FROM {table} WITH NO DATA"
            )
            rows = [(pk, *[f[name] for name in FIELDS]) for pk, f in updates]
            with cursor.cursor.copy(f"COPY demo_case_updates (id, {', '.join(FIELDS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{name} = u.{name}" for name in FIELDS)
            cursor.execute(f"UPDATE {table} c SET {assignments} FROM demo_case_updates u WHERE c.id = u.id")  # noqa: S608
        else:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", values)  # noqa: S608


def _overdue(today: dt.date) -> int:
    from zhijian.complaints.queries import overdue_q

    return Case.objects.filter(overdue_q(today)).count()


def load(*, seed: int, scale: str, console) -> None:
    """The app's demo loader (see the module docstring)."""
    if Case.objects.exists():
        console.print("投诉举报演示数据已存在，跳过（重新生成请先清空数据库）")
        return
    ensure_rules()
    rng = random.Random(f"complaints-{seed}")
    today = timezone.localdate()
    entities = list(Entity.objects.filter(status="active").select_related("jurisdiction").order_by("id"))
    if not entities:
        console.print("主体库为空，跳过投诉举报演示数据")
        return
    enterprise = (
        Entity.objects.filter(jurisdiction__code="330203", entity_type="llc", status="active")
        .order_by("uscc")
        .first()
    )
    total = round(Entity.objects.count() * PER_ENTITY_YEAR)
    with transaction.atomic():
        odr, _withdrawn = _enrol(rng, entities, today, enterprise.uscc if enterprise else None)
    rows = _export_rows(rng, entities, odr, total, today)
    path = settings.VAR_DIR / "demo" / f"complaints-12315-{scale}-{seed}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="gb18030") as handle:  # the platform exports GB18030
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    result = import_cases(path, actor=ACTOR)
    if not result.ok:
        raise RuntimeError(f"demo 12315 import failed: {result.unreadable or result.issues[:5]}")
    with transaction.atomic():
        counts = _work(rng, today)
        clusters = compute_clusters(start=today - dt.timedelta(days=365), end=today)
        replies = [
            FirmReply(uscc=u, text="本企业已设立售后专线，对消费者投诉在3个工作日内响应，欢迎监督。")
            for u in odr[:5]
        ]
        FirmReply.objects.bulk_create(replies, ignore_conflicts=True)
        audit.record(
            ACTOR,
            audit.Change(
                "complaints.demo",
                "complaints.Case",
                "demo",
                None,
                {"seed": seed, "scale": scale, "cases": result.created, **counts, "clusters": clusters},
            ),
        )
    console.print(
        f"投诉举报演示：{result.summary()}；办结 {counts['closed']}（调解成功 {counts['mediated']}、终止调解 "
        f"{counts['terminated']}、ODR和解 {counts['odr_settled']}、举报立案 {counts['filed']}），逾期 {counts['overdue']}，"
        f"群体投诉 {clusters} 组，ODR企业 {len(odr)} 家"
    )
