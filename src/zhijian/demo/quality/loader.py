"""Synthetic quality-infrastructure data for the demo (合成演示数据): deterministic, through the services.

``load`` (the app's ``demo_loader``) builds, on the register ``zhijian demo`` has just loaded:

1. the standards register: real national, industry and international standards and synthetic local,
   group (浙江制造) and enterprise numbers, loaded through the real list import;
2. the 2020 campaign with 附件1's quotas and the current year's campaign (its quotas repeat 附件1's,
   marked as demo values), firms enrolled from the register in the campaign's clusters, confirmed,
   with technical plans, verified results, published lists and leader recommendations;
3. laboratories and one-stop service points with CMA/CNAS and capabilities (one 246 cluster is left
   without local capability, so that the gap analysis has a finding), service requests at every
   step, some of them for campaign enrolments;
4. the three cultivation libraries with coaching, evidence and awards;
5. the progress reports of the current period: most units submitted, some still drafting, some overdue.

Dates that the services set to today are moved back to plausible days afterwards (demo only). The
whole loader is a few hundred service calls: a few seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhijian.core.access import SystemActor
from zhijian.core.models import Jurisdiction, Role, User
from zhijian.core.reference import county_units
from zhijian.quality import services
from zhijian.quality.importing import import_standards
from zhijian.quality.models import (
    Campaign,
    Enrolment,
    ProgressReport,
    ProviderKind,
    ServiceCategory,
    ServiceProvider,
    ServiceRequest,
    Standard,
)
from zhijian.quality.reference import INDUSTRIES_2020, QUOTAS_2020, load_campaign_2020
from zhijian.registry.models import Entity, EntityStatus

ACTOR = SystemActor("demo:quality")

STANDARDS = [
    # number, name, status, issued, effective, replaced by
    ("GB/T 4754-2017", "国民经济行业分类", "现行", "2017-06-30", "2017-10-01", ""),
    ("GB/T 19001-2016", "质量管理体系 要求", "现行", "2016-12-30", "2017-07-01", ""),
    (
        "GB/T 2828.1-2012",
        "计数抽样检验程序 第1部分：按接收质量限(AQL)检索的逐批检验抽样计划",
        "现行",
        "2012-11-05",
        "2013-02-15",
        "",
    ),
    (
        "GB/T 307.1-2017",
        "滚动轴承 向心轴承 产品几何技术规范(GPS)和公差值",
        "现行",
        "2017-11-01",
        "2018-05-01",
        "",
    ),
    ("GB/T 3098.1-2010", "紧固件机械性能 螺栓、螺钉和螺柱", "现行", "2010-09-02", "2011-07-01", ""),
    ("GB 4706.1-2005", "家用和类似用途电器的安全 第1部分：通用要求", "现行", "2005-08-26", "2006-08-01", ""),
    (
        "GB 21455-2013",
        "转速可控型房间空气调节器能效限定值及能效等级",
        "被代替",
        "2013-06-09",
        "2013-10-01",
        "GB 21455-2019",
    ),
    ("GB 21455-2019", "房间空气调节器能效限定值及能效等级", "现行", "2019-12-31", "2020-07-01", ""),
    ("GB 12021.2-2015", "家用电冰箱耗电量限定值及能效等级", "现行", "2015-09-11", "2016-10-01", ""),
    ("GB 18401-2010", "国家纺织产品基本安全技术规范", "现行", "2011-01-14", "2011-08-01", ""),
    ("FZ/T 73020-2019", "针织休闲服装", "现行", "2019-08-02", "2020-01-01", ""),
    ("GB 6675.1-2014", "玩具安全 第1部分：基本规范", "现行", "2014-05-06", "2016-01-01", ""),
    ("GB 4806.7-2016", "食品安全国家标准 食品接触用塑料材料及制品", "现行", "2016-10-19", "2017-10-19", ""),
    ("JB/T 5000.1-2007", "重型机械通用技术条件 第1部分：产品检验", "现行", "2007-03-06", "2007-09-01", ""),
    (
        "GB 17691-2018",
        "重型柴油车污染物排放限值及测量方法（中国第六阶段）",
        "现行",
        "2018-06-22",
        "2019-07-01",
        "",
    ),
    (
        "GB/T 16886.1-2022",
        "医疗器械生物学评价 第1部分：风险管理过程中的评价与试验",
        "现行",
        "2022-10-12",
        "2023-11-01",
        "",
    ),
    (
        "ISO 9001:2015",
        "质量管理体系 要求（Quality management systems — Requirements）",
        "现行",
        "2015-09-15",
        "",
        "",
    ),
    ("ISO 492:2014", "滚动轴承 向心轴承 几何产品规范和公差值", "现行", "2014-05-01", "", ""),
    ("ISO 898-1:2013", "紧固件机械性能 碳钢和合金钢螺栓、螺钉和螺柱", "现行", "2013-01-15", "", ""),
    ("IEC 60335-1:2020", "家用和类似用途电器安全 第1部分：通用要求", "现行", "2020-09-01", "", ""),
    ("EN 71-1:2014+A1:2018", "玩具安全 第1部分：机械和物理性能", "现行", "2018-05-01", "", ""),
    ("ASTM D638-14", "塑料拉伸性能标准试验方法", "现行", "2014-12-15", "", ""),
    ("ISO 6336-1:2019", "直齿轮和斜齿轮承载能力计算 第1部分：基本原理", "现行", "2019-11-01", "", ""),
    (
        "ISO 16750-2:2012",
        "道路车辆 电气电子设备的环境条件和试验 第2部分：电气负荷",
        "现行",
        "2012-11-01",
        "",
        "",
    ),
    (
        "ISO 14064-1:2018",
        "温室气体 第1部分：组织层次上对温室气体排放和清除的量化和报告的规范及指南",
        "现行",
        "2018-12-01",
        "",
        "",
    ),
    ("DB33/T 2350-2021", "（演示）节能电机能效评价规范", "现行", "2021-06-01", "2021-07-01", ""),
    ("DB3302/T 1123-2022", "（演示）宁波市智能家电质量分级评价规范", "现行", "2022-03-01", "2022-04-01", ""),
    ("T/ZZB 0101-2016", "（演示）深沟球轴承", "现行", "2016-10-10", "2016-11-01", ""),
    ("T/ZZB 0212-2017", "（演示）高强度六角头螺栓", "现行", "2017-05-10", "2017-06-01", ""),
    ("T/ZZB 0588-2018", "（演示）变频房间空气调节器", "现行", "2018-05-10", "2018-06-01", ""),
    ("T/ZZB 1207-2019", "（演示）针织T恤衫", "现行", "2019-06-10", "2019-07-01", ""),
    ("T/ZZB 1850-2020", "（演示）汽车线束总成", "现行", "2020-08-10", "2020-09-01", ""),
    ("T/ZZB 2213-2021", "（演示）聚丙烯专用料", "现行", "2021-03-10", "2021-04-01", ""),
    ("T/NBSX 003-2021", "（演示）宁波市团体标准 文具用品质量分级", "现行", "2021-09-01", "2021-10-01", ""),
    ("Q/NBDY 001-2020", "（演示）注塑机企业标准", "现行", "2020-02-01", "2020-03-01", ""),
    ("Q/NBHT 002-2019", "（演示）节能型三相异步电动机企业标准", "废止", "2019-01-01", "2019-02-01", ""),
]

# per campaign cluster: (product, executed standard, compared standard)
BENCHMARKS = {
    "key_components": [
        ("深沟球轴承", "GB/T 307.1-2017", "ISO 492:2014"),
        ("高强度螺栓", "GB/T 3098.1-2010", "ISO 898-1:2013"),
    ],
    "smart_appliances": [
        ("房间空气调节器", "GB 21455-2019", "T/ZZB 0588-2018"),
        ("家用电器", "GB 4706.1-2005", "IEC 60335-1:2020"),
    ],
    "automotive": [("汽车线束总成", "T/ZZB 1850-2020", "ISO 16750-2:2012")],
    "fashion_textiles": [("针织T恤衫", "FZ/T 73020-2019", "T/ZZB 1207-2019")],
    "stationery_sports": [("儿童玩具", "GB 6675.1-2014", "EN 71-1:2014+A1:2018")],
    "new_materials": [("工程塑料粒子", "GB 4806.7-2016", "ASTM D638-14")],
    "green_petrochem": [("聚丙烯专用料", "T/ZZB 2213-2021", "ASTM D638-14")],
    "high_end_equipment": [("注塑机", "JB/T 5000.1-2007", "ISO 6336-1:2019")],
    "energy_saving": [("节能电机", "DB33/T 2350-2021", "ISO 14064-1:2018")],
}

PROVIDERS = [
    # name, kind, unit code, local, CMA, CNAS, capabilities: (category, item, products, standards, clusters, days, price)
    (
        "宁波市产品质量检验研究院",
        ProviderKind.LABORATORY,
        "330203",
        True,
        "CMA 201911000123",
        "CNAS L0512",
        [
            (
                ServiceCategory.TESTING,
                "轴承尺寸与公差检测",
                "滚动轴承、深沟球轴承",
                ["GB/T 307.1-2017", "ISO 492:2014"],
                ["key_components"],
                7,
                "1800",
            ),
            (
                ServiceCategory.TESTING,
                "紧固件机械性能试验",
                "螺栓、螺钉、螺柱",
                ["GB/T 3098.1-2010", "ISO 898-1:2013"],
                ["key_components", "automotive"],
                5,
                "1200",
            ),
            (
                ServiceCategory.TESTING,
                "家用电器安全检测",
                "空调、冰箱、小家电",
                ["GB 4706.1-2005", "IEC 60335-1:2020", "GB 21455-2019"],
                ["smart_appliances"],
                15,
                "6500",
            ),
            (
                ServiceCategory.TESTING,
                "纺织品安全性能检测",
                "针织服装、纺织面料",
                ["GB 18401-2010", "FZ/T 73020-2019", "T/ZZB 1207-2019"],
                ["fashion_textiles"],
                5,
                "900",
            ),
        ],
    ),
    (
        "宁波市标准化研究院",
        ProviderKind.LABORATORY,
        "330212",
        True,
        "",
        "",
        [
            (
                ServiceCategory.STANDARDS,
                "对标技术方案编制与技术支持",
                "各类工业产品",
                ["GB/T 1.1-2020"],
                INDUSTRIES_2020,
                20,
                "5000",
            ),
            (
                ServiceCategory.STANDARDS,
                "企业标准“领跑者”评估",
                "各类工业产品",
                ["GB/T 1.1-2020"],
                INDUSTRIES_2020,
                30,
                "8000",
            ),
        ],
    ),
    (
        "宁波检验认证技术服务有限公司",
        ProviderKind.LABORATORY,
        "3302Z1",
        True,
        "CMA 202011000456",
        "CNAS L1234",
        [
            (
                ServiceCategory.TESTING,
                "玩具安全检测",
                "儿童玩具、文具",
                ["GB 6675.1-2014", "EN 71-1:2014+A1:2018"],
                ["stationery_sports"],
                7,
                "2600",
            ),
            (
                ServiceCategory.TESTING,
                "塑料力学性能检测",
                "工程塑料、改性塑料",
                ["ASTM D638-14", "GB 4806.7-2016"],
                ["new_materials", "green_petrochem"],
                5,
                "1500",
            ),
            (
                ServiceCategory.CERTIFICATION,
                "质量管理体系认证咨询",
                "各类组织",
                ["ISO 9001:2015", "GB/T 19001-2016"],
                [],
                30,
                "12000",
            ),
        ],
    ),
    (
        "宁波市计量测试研究院",
        ProviderKind.LABORATORY,
        "330205",
        True,
        "CMA 201811000789",
        "CNAS L0888",
        [
            (
                ServiceCategory.METROLOGY,
                "长度与几何量计量校准",
                "量具、三坐标测量机",
                ["GB/T 307.1-2017"],
                ["key_components", "high_end_equipment"],
                3,
                "600",
            ),
            (
                ServiceCategory.TESTING,
                "汽车电子环境与电气负荷试验",
                "汽车线束、车载电子",
                ["ISO 16750-2:2012", "T/ZZB 1850-2020"],
                ["automotive"],
                10,
                "4800",
            ),
            (
                ServiceCategory.TESTING,
                "电机能效测试",
                "电动机、节能电机",
                ["DB33/T 2350-2021"],
                ["energy_saving", "high_end_equipment"],
                7,
                "2200",
            ),
        ],
    ),
    (
        "浙江省医疗器械检验研究院",
        ProviderKind.LABORATORY,
        "330203",
        False,
        "CMA 201711000321",
        "CNAS L0321",
        [
            (
                ServiceCategory.TESTING,
                "医疗器械生物学评价",
                "医用耗材、植入器械",
                ["GB/T 16886.1-2022"],
                ["biomedicine"],
                40,
                "15000",
            ),
        ],
    ),
]
SERVICE_POINTS = [
    "330203",
    "330205",
    "330211",
    "330206",
    "330212",
    "330213",
    "330282",
    "330281",
    "330226",
    "330225",
    "3302Z1",
    "3302Z2",
]
LAB_ACCOUNTS = [
    ("qlab", "宁波市产品质量检验研究院 对标检测员", "宁波市产品质量检验研究院"),
    ("qstd", "宁波市标准化研究院 技术支持", "宁波市标准化研究院"),
]


def _standards_file(path) -> None:
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["标准编号", "标准名称", "状态", "发布日期", "实施日期", "代替标准"])
        writer.writerow(
            [
                "GB/T 1.1-2020",
                "标准化工作导则 第1部分：标准化文件的结构和起草规则",
                "现行",
                "2020-03-31",
                "2020-10-01",
                "",
            ]
        )
        writer.writerows(STANDARDS)


def _std(number: str) -> Standard:
    return Standard.objects.get(number=number)


def _campaign_firms(campaign: Campaign, unit: Jurisdiction, count: int, rng: random.Random, taken: set[int]):
    pool = list(
        Entity.objects.filter(
            jurisdiction=unit,
            status=EntityStatus.ACTIVE,
            cluster__in=campaign.industries,
            entity_type__in=["llc", "joint_stock", "foreign_invested"],
        )
        .exclude(pk__in=taken)
        .order_by("uscc")
        .values_list("pk", "uscc", "cluster")[:400]
    )
    rng.shuffle(pool)
    return pool[:count]


def _enrol_campaign(
    campaign: Campaign, share: float, rng: random.Random, today: dt.date, finished: bool
) -> dict:
    counts = {"enrolled": 0, "approved": 0, "met": 0}
    year = campaign.year
    submitted_on = dt.date(year, 5, 20) if finished else min(today, dt.date(year, 5, 20))
    taken: set[int] = set()
    lab = ServiceProvider.objects.get(name="宁波市产品质量检验研究院")
    for quota in campaign.quotas.select_related("jurisdiction").order_by("jurisdiction__sort_order"):
        wanted = round(quota.firms * share)
        for pk, uscc, cluster in _campaign_firms(campaign, quota.jurisdiction, wanted, rng, taken):
            taken.add(pk)
            product, executed, compared = rng.choice(BENCHMARKS[cluster])
            enrolment = services.enrol_firm(
                actor=ACTOR,
                campaign=campaign,
                uscc=uscc,
                product_name=product,
                executed_standard=_std(executed),
                compared_standard=_std(compared),
                platform_plan_no=f"DB-{cluster[:3].upper()}-{rng.randint(100, 999)}"
                if rng.random() < 0.5
                else "",
                needs_support=rng.random() < 0.3,
            )
            counts["enrolled"] += 1
            dates = {"submitted_on": submitted_on}
            if finished or rng.random() < 0.8:
                services.review_enrolment(actor=ACTOR, enrolment=enrolment, approve=True)
                counts["approved"] += 1
                dates["reviewed_on"] = submitted_on + dt.timedelta(days=rng.randint(3, 12))
                if finished or rng.random() < 0.7:
                    plan_on = min(today, dt.date(year, 6, rng.randint(10, 29)))
                    services.record_plan(
                        actor=ACTOR,
                        enrolment=enrolment,
                        plan_no=f"JS{year}{enrolment.pk:05d}",
                        plan_title=f"{product}对标技术方案",
                        uploaded_on=plan_on,
                    )
                    if finished or rng.random() < 0.5:
                        result_on = min(today, dt.date(year, rng.choice([8, 9, 10]), rng.randint(1, 28)))
                        met = rng.random() < 0.85
                        services.record_enrolment_result(
                            actor=ACTOR,
                            enrolment=enrolment,
                            laboratory=lab,
                            report_no=f"NBZJ{year}-{enrolment.pk:05d}",
                            result_on=result_on,
                            met=met,
                            summary="主要技术指标达到比对标准" if met else "部分指标未达到比对标准",
                        )
                        counts["met"] += int(met)
                        dates["result_on"] = result_on
                        if met:
                            dates["published_on"] = min(today, result_on + dt.timedelta(days=14))
            Enrolment.objects.filter(pk=enrolment.pk).update(**dates)
    return counts


def _providers(today: dt.date) -> list[ServiceProvider]:
    made = []
    for name, kind, unit, local, cma, cnas, capabilities in PROVIDERS:
        provider = services.register_provider(
            actor=ACTOR,
            name=name,
            kind=kind,
            jurisdiction=Jurisdiction.objects.get(code=unit),
            local=local,
            phone="0574-87000000",
            cma_no=cma,
            cma_valid_until=today.replace(year=today.year + 3) if cma else None,
            cnas_no=cnas,
            cnas_valid_until=(today + dt.timedelta(days=60))
            if cnas and name.startswith("宁波检验")
            else (today.replace(year=today.year + 2) if cnas else None),
        )
        for category, item, products, standards, clusters, days, price in capabilities:
            accredited = "both" if cma and cnas else ("cma" if cma else "none")
            services.publish_capability(
                actor=ACTOR,
                provider=provider,
                category=category,
                item=item,
                products=products,
                standards=[_std(n) for n in standards],
                turnaround_days=days,
                price=Decimal(price),
                accredited=accredited,
                clusters=list(clusters),
            )
        made.append(provider)
    for code in SERVICE_POINTS:
        unit = Jurisdiction.objects.get(code=code)
        point = services.register_provider(
            actor=ACTOR,
            name=f"{unit.short_name}质量基础设施“一站式”服务站",
            kind=ProviderKind.SERVICE_POINT,
            jurisdiction=unit,
            address=f"{unit.name}政务服务中心",
        )
        services.publish_capability(
            actor=ACTOR,
            provider=point,
            category=ServiceCategory.STANDARDS,
            item="标准信息查询与咨询",
            products="辖区企业",
            standards=[],
            turnaround_days=2,
            price=Decimal("0"),
            accredited="none",
            clusters=[c for c in INDUSTRIES_2020 if c != "stationery_sports"],
        )
    return made


def _requests(rng: random.Random, today: dt.date) -> int:
    made = 0
    capabilities = list(ServiceProvider.objects.get(name="宁波市产品质量检验研究院").capabilities.all())
    capabilities += list(
        ServiceProvider.objects.get(name="宁波检验认证技术服务有限公司").capabilities.filter(
            category="testing"
        )
    )
    firms = list(
        Entity.objects.filter(
            status=EntityStatus.ACTIVE,
            cluster__in=[
                "key_components",
                "smart_appliances",
                "fashion_textiles",
                "stationery_sports",
                "new_materials",
            ],
        ).order_by("uscc")[:60]
    )
    for i, firm in enumerate(firms[:36]):
        capability = capabilities[i % len(capabilities)]
        standard = capability.standards.order_by("number").first()
        request = services.request_service(
            actor=ACTOR,
            capability=capability,
            uscc=firm.uscc,
            product=capability.products.split("、")[0],
            standard=standard,
        )
        made += 1
        asked = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=120 - 3 * i), dt.time(9, 30))
        )
        step = i % 6
        changes = {"requested_at": asked}
        if step >= 1:
            services.quote_request(
                actor=ACTOR, request=request, price=capability.price, days=capability.turnaround_days
            )
            changes["quoted_at"] = asked + dt.timedelta(hours=rng.choice([2, 5, 20, 30, 52]))
        if step >= 2:
            services.accept_quote(actor=ACTOR, request=request, sample_on=today)
            changes["booked_at"] = changes["quoted_at"] + dt.timedelta(hours=6)
            changes["sample_on"] = timezone.localdate(changes["booked_at"]) + dt.timedelta(days=2)
        if step >= 3:
            services.deliver_report(
                actor=ACTOR,
                request=request,
                report_no=f"NBZJ-FW-{request.pk:05d}",
                conclusion="所检项目符合标准要求",
            )
            changes["delivered_at"] = changes["booked_at"] + dt.timedelta(
                days=capability.turnaround_days + rng.randint(0, 4)
            )
        if step >= 4:
            services.rate_service(
                actor=ACTOR, request=request, rating=rng.choice([4, 5, 5, 3]), comment="响应及时，报告规范"
            )
        ServiceRequest.objects.filter(pk=request.pk).update(**changes)
    return made


def _libraries(rng: random.Random, today: dt.date) -> int:
    firms = list(
        Entity.objects.filter(status=EntityStatus.ACTIVE, entity_type="joint_stock").order_by("uscc")[:45]
    )
    made = 0
    for i, firm in enumerate(firms):
        library = ["quality_award", "standard_award", "patent_award"][i % 3]
        entry = services.nominate_firm(
            actor=ACTOR,
            library=library,
            uscc=firm.uscc,
            target_award={
                "quality_award": "浙江省人民政府质量奖",
                "standard_award": "中国标准创新贡献奖",
                "patent_award": "中国专利奖",
            }[library],
            standards_led=rng.randint(1, 8) if library == "standard_award" else 0,
            high_value_patents=rng.randint(2, 30) if library == "patent_award" else 0,
        )
        made += 1
        if i % 4 >= 1:
            services.add_coaching(
                actor=ACTOR,
                entry=entry,
                held_on=today - dt.timedelta(days=90 - i),
                coach="宁波市标准化研究院",
                content="对照评审标准开展自评和差距分析",
            )
            services.add_evidence(actor=ACTOR, entry=entry, title="企业自评报告")
        if i % 4 >= 2:
            services.advance_stage(actor=ACTOR, entry=entry, stage="applied")
        if i % 8 == 3:
            services.record_award(
                actor=ACTOR,
                entry=entry,
                year=today.year - 1,
                award=entry.target_award,
                level="province" if library != "patent_award" else "national",
                won=True,
            )
    return made


def _reports(rng: random.Random, today: dt.date) -> int:
    from zhijian.quality.services.reports import current_period, deadline_for

    year, period = current_period(today)
    deadline = deadline_for(year, period)
    done = 0
    for i, unit in enumerate(county_units().order_by("sort_order")):
        if i % 5 == 4:
            continue  # no report yet: overdue once the due date has passed
        report = services.generate_report(actor=ACTOR, year=year, period=period, unit=unit)
        services.save_narrative(
            actor=ACTOR,
            report=report,
            narrative={
                "party_work": "对标达标提升工作已纳入区政府质量工作要点",
                "finance": "区财政安排标准化专项资金",
                "departments": "经信、科技部门共同参与企业发动",
            },
        )
        if i % 5 == 3:
            continue  # still a draft
        services.review_report(actor=ACTOR, report=report)
        services.submit_report(actor=ACTOR, report=report)
        on_time = timezone.make_aware(
            dt.datetime.combine(deadline.due_on - dt.timedelta(days=rng.randint(0, 4)), dt.time(16))
        )
        ProgressReport.objects.filter(pk=report.pk).update(
            submitted_at=min(on_time, timezone.now()), late=False
        )
        done += 1
    return done


def create_accounts(console) -> None:
    from zhijian.demo.accounts import DEMO_PASSWORD

    if settings.MODE == "production":
        return
    for username, display, provider in LAB_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.role, user.jurisdiction, user.department = display, Role.LAB, None, None
        user.set_password(DEMO_PASSWORD)
        user.save()
        services.link_account(actor=ACTOR, user=user, provider=ServiceProvider.objects.get(name=provider))
        console.print(f"  {username:<12} 检验检测机构人员 {provider}")


def load(*, seed: int, scale: str, console) -> None:
    """The app's demo loader (see the module docstring)."""
    if Standard.objects.exists():
        console.print("质量基础设施演示数据已存在，跳过")
        create_accounts(console)
        return
    rng = random.Random(f"quality-{seed}")
    today = timezone.localdate()
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "standards.csv"
    _standards_file(path)
    report = import_standards(path, actor=ACTOR)
    if not report.ok:
        raise RuntimeError(f"demo standards import failed: {report.unreadable or report.issues[:5]}")
    with transaction.atomic():
        providers = _providers(today)
        first = load_campaign_2020(ACTOR)
        past = _enrol_campaign(first, 1.0, rng, today, finished=True)
        current = services.save_campaign(
            actor=ACTOR,
            year=today.year,
            title=f"{today.year}年对标达标提升专项行动（演示）",
            industries=INDUSTRIES_2020,
            goal_year=today.year + 2,
            goal_industries=15,
            goal_firms=450,
            quotas=QUOTAS_2020,
            source="演示数据：配额沿用2020年附件1",
        )
        now = _enrol_campaign(current, 0.6, rng, today, finished=False)
        requests = _requests(rng, today)
        entries = _libraries(rng, today)
        reports = _reports(rng, today)
    console.print(
        f"质量基础设施演示：标准 {Standard.objects.count()} 项；2020年对标企业 {past['enrolled']} 家（达标 {past['met']}），"
        f"{today.year}年 {now['enrolled']} 家（确认 {now['approved']}）；机构 {len(providers)} 家、服务站 {len(SERVICE_POINTS)} 个；"
        f"服务需求 {requests} 件；三库入库 {entries} 家；进展报表已报送 {reports} 份"
    )
    create_accounts(console)
