"""Seed the numbers of special-equipment supervision as rule data, each with its legal source.

The elevator schedule of TSG T7001-2023 is entered here as read from the regulation's summary and
stays marked unconfirmed (待确认) until an administrator confirms it on the rules page.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LAW = "中华人民共和国特种设备安全法（2014年1月1日施行）"
DEFAULT_NOTE = "默认周期；检验报告载明下次检验日期的，以报告为准"
T7001 = "TSG T7001-2023《电梯监督检验和定期检验规则》（2024年4月2日施行）"
GRADE_SOURCE = (
    "宁波市电梯维护保养单位质量评价（2023年评定133家，A–D四级）；扣分与分级线为本平台规则，"
    "见 docs/equipment.md，待特种设备处确认"
)
RULES = [
    # key, value, unit, valid_from, legal source, note
    ("equipment.registration.within", "30", "days", dt.date(2014, 1, 1), LAW + " 第三十三条",
     "投入使用前或者投入使用后三十日内办理使用登记；末日为法定节假日的顺延（民法典第二百零三条）"),
    ("equipment.inspection.request_before", "1", "months", dt.date(2014, 1, 1), LAW + " 第四十条",
     "应当按照安全技术规范的要求，在检验合格有效期届满前一个月向特种设备检验机构提出定期检验要求"),
    ("equipment.inspection.interval.1000", "1", "years", dt.date(2021, 6, 1),
     "TSG 11-2020《锅炉安全技术规程》第9章（外部检验每年一次）", DEFAULT_NOTE),
    ("equipment.inspection.interval.2000", "3", "years", dt.date(2016, 10, 1),
     "TSG 21-2016《固定式压力容器安全技术监察规程》8.1.6（首次定期检验3年内）", DEFAULT_NOTE),
    ("equipment.inspection.interval.4000", "2", "years", dt.date(2016, 6, 1),
     "TSG Q7015-2016《起重机械定期检验规则》（塔式、升降机、流动式每年，其余每2年）", DEFAULT_NOTE),
    ("equipment.inspection.interval.5000", "1", "years", dt.date(2017, 12, 1),
     "TSG N0001-2017《场（厂）内专用机动车辆安全技术规程》（每年一次）", DEFAULT_NOTE),
    ("equipment.inspection.interval.6000", "1", "years", dt.date(2014, 1, 1),
     "大型游乐设施定期检验规则（TSG Y7002）（每年一次）", DEFAULT_NOTE),
    ("equipment.inspection.interval.8000", "3", "years", dt.date(2018, 10, 1),
     "TSG D7005-2018《压力管道定期检验规则——工业管道》（首次3年内）", DEFAULT_NOTE),
    ("equipment.inspection.interval.9000", "1", "years", dt.date(2013, 10, 1),
     "TSG S7001-2013《客运索道监督检验和定期检验规则》（每年一次）", DEFAULT_NOTE),
    ("equipment.inspection.interval.3000", "1", "years", dt.date(2014, 1, 1),
     "TSG T7001-2009《电梯监督检验和定期检验规则》（定期检验周期1年）", "2024-04-02前适用"),
    ("equipment.elevator.age_threshold", "15", "years", dt.date(2024, 4, 2), T7001,
     "待确认：使用年限不超过此值的电梯按较长周期定期检验，其余每年"),
    ("equipment.elevator.interval_young", "2", "years", dt.date(2024, 4, 2), T7001,
     "待确认：使用年限不超过15年的电梯每2年定期检验一次，未检验年度由使用单位自行检测"),
    ("equipment.elevator.interval_old", "1", "years", dt.date(2024, 4, 2), T7001,
     "待确认：使用年限超过15年的电梯每年定期检验一次"),
    ("equipment.maintenance.interval", "15", "days", dt.date(2017, 8, 1),
     "TSG T5002-2017《电梯维护保养规则》第五条（每15日进行一次清洁、润滑、调整和检查）",
     "实行按需维保的，按其备案方案的周期"),
    ("equipment.rescue.arrival", "30", "minutes", dt.date(2021, 1, 1),
     "宁波市电梯安全条例（2021年1月1日施行）；TSG T5002-2017（接到故障通知后及时抵达）",
     "市区困人救援到达时限；条款号待核"),
    ("equipment.device.silent_after", "10", "minutes", dt.date(2021, 1, 1),
     "本平台运行规则", "监测终端超过此时长无任何报文即标记为失联"),
    ("equipment.grade.A", "90", "points", dt.date(2023, 1, 1), GRADE_SOURCE, "A级：得分不低于此值"),
    ("equipment.grade.B", "75", "points", dt.date(2023, 1, 1), GRADE_SOURCE, "B级：得分不低于此值"),
    ("equipment.grade.C", "60", "points", dt.date(2023, 1, 1), GRADE_SOURCE, "C级：得分不低于此值，低于为D级"),
    ("equipment.spot_check_ratio.key", "0.20", "ratio", dt.date(2022, 1, 1),
     "国发〔2019〕5号（对重点领域、重点对象提高抽查比例）；比例为本市配置",
     "学校、医院、商场、车站等重点使用单位及较高、高风险使用单位"),
    ("equipment.spot_check_ratio.normal", "0.05", "ratio", dt.date(2022, 1, 1),
     "国发〔2019〕5号；比例为本市配置", "其他特种设备使用单位"),
]


def forwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, value, unit, valid_from, source, note in RULES:
        RuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
        )
    # The 2009 elevator interval ends when the 2023 regulation takes over.
    RuleValue.objects.filter(key="equipment.inspection.interval.3000").update(valid_to=dt.date(2024, 4, 1))


def backwards(apps, schema_editor):
    RuleValue = apps.get_model("core", "RuleValue")
    for key, _value, _unit, valid_from, *_ in RULES:
        RuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_initial"), ("core", "0002_audit_append_only_and_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
