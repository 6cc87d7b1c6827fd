"""The campaign's reference data from seed 002 (宁波市百城千业万企对标达标提升专项行动实施方案, 2020年4月)."""

from __future__ import annotations

import datetime as dt

SOURCE = "《宁波市百城千业万企对标达标提升专项行动实施方案》（宁波市市场监督管理局，2020年4月）"

# 附件1: 宁波市各区（县）市2020年参与对标达标提升专项行动企业数 — the fifteen units, 120 firms in all.
QUOTAS_2020 = {
    "330203": 10,  # 海曙
    "330205": 8,  # 江北
    "330211": 8,  # 镇海
    "330206": 11,  # 北仑
    "330212": 15,  # 鄞州
    "330213": 8,  # 奉化
    "330282": 15,  # 慈溪
    "330281": 15,  # 余姚
    "330226": 10,  # 宁海
    "330225": 8,  # 象山
    "3302Z1": 3,  # 高新区
    "3302Z2": 3,  # 杭州湾
    "3302Z3": 2,  # 保税区
    "3302Z4": 2,  # 大榭
    "3302Z5": 2,  # 东钱湖
}
QUOTA_TOTAL_2020 = 120

# 一、工作目标: the clusters named (绿色化工 is the 绿色石化 cluster; 汽车及零部件 the 汽车 cluster).
INDUSTRIES_2020 = [
    "green_petrochem",
    "automotive",
    "high_end_equipment",
    "new_materials",
    "key_components",
    "smart_appliances",
    "fashion_textiles",
    "stationery_sports",
    "energy_saving",
]
# 力争到2022年，全市累计有15个行业、450家以上企业开展对标达标提升工作
GOAL_YEAR, GOAL_INDUSTRIES, GOAL_FIRMS = 2022, 15, 450
# 二、具体任务和进度安排
ENROL_BY = dt.date(2020, 6, 5)
PLANS_BY = dt.date(2020, 6, 30)
RESULTS_BY = dt.date(2020, 10, 31)
# the other 2022 goals of 一、工作目标, shown beside the campaign's progress
OTHER_GOALS_2022 = [
    ("新增主导或参与制修订国际标准、国家标准", 300, "项"),
    ("主导或参与制定“浙江制造”标准", 150, "项"),
    ("制定推广实施市级团体标准", 10, "项"),
    ("全国或省级专业标准技术委员会（分技术委员会）秘书处落户宁波", 2, "个"),
]


def load_campaign_2020(actor=None):
    """Create (or update) the 2020 campaign with 附件1's quotas; idempotent."""
    from zhijian.core.access import SystemActor

    from .services import save_campaign

    assert sum(QUOTAS_2020.values()) == QUOTA_TOTAL_2020
    return save_campaign(
        actor=actor or SystemActor("quality:reference"),
        year=2020,
        title="2020年百城千业万企对标达标提升专项行动",
        industries=INDUSTRIES_2020,
        goal_year=GOAL_YEAR,
        goal_industries=GOAL_INDUSTRIES,
        goal_firms=GOAL_FIRMS,
        quotas=QUOTAS_2020,
        enrol_by=ENROL_BY,
        plans_by=PLANS_BY,
        results_by=RESULTS_BY,
        source=SOURCE,
    )
