"""Synthetic credit data (合成信用数据) for the demo city and the city-scale benchmark.

Vectorised with numpy and fully determined by the seed and the entities (ordered by USCC), so the
same register always gets the same records. Rates are set so that the class mix looks like a real
city's (most entities B, about a quarter A, a few percent C and D) and differs by district: the
functional zones' firms are larger and better run, the county-level cities have many small
workshops and shops.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from zhijian.credit.models import CreditList, ListGround, Publicity, RecordKind, Sector, Severity

DISTRICT_RISK = {
    "330203": 1.0,
    "330205": 1.0,
    "330206": 0.9,
    "330211": 0.9,
    "330212": 0.95,
    "330213": 1.1,
    "330225": 1.2,
    "330226": 1.2,
    "330281": 1.25,
    "330282": 1.3,
    "3302Z1": 0.6,
    "3302Z2": 0.8,
    "3302Z3": 0.7,
    "3302Z4": 0.7,
    "3302Z5": 0.75,
}
TYPE_RISK = {
    "individual": 1.15,
    "joint_stock": 0.5,
    "foreign_invested": 0.6,
    "branch": 0.9,
    "farmer_coop": 1.0,
}

# (kind, yearly rate per entity of average risk)
YEARLY = {
    RecordKind.SPOT_CHECK: 0.12,
    RecordKind.LICENCE: 0.25,
    RecordKind.COMPLAINT: 0.05,
    RecordKind.PENALTY: 0.03,
    RecordKind.SAMPLE_FAILED: 0.01,
    RecordKind.HONOUR: 0.008,
}
PENALTIES = [  # measures, weight, light?
    (["small_fine"], 0.30),
    (["criticism"], 0.05),
    (["warning"], 0.10),
    (["fine"], 0.30),
    (["fine", "confiscation"], 0.18),
    (["suspension", "fine"], 0.04),
    (["licence_revoked"], 0.02),
    (["bl_revoked"], 0.01),
]
TITLES = {
    RecordKind.SPOT_CHECK: [
        "双随机抽查：未发现问题",
        "双随机抽查：发现问题已责令改正",
        "双随机抽查：未发现开展本次抽查涉及的经营活动",
    ],
    RecordKind.LICENCE: ["食品经营许可", "工业产品生产许可", "特种设备使用登记"],
    RecordKind.COMPLAINT: ["消费投诉属实：商品质量", "消费投诉属实：虚假宣传", "举报属实：价格违法"],
    RecordKind.PENALTY: ["销售不合格产品", "虚假广告", "未按规定明码标价", "无照经营", "食品安全违法"],
    RecordKind.SAMPLE_FAILED: [
        "监督抽查不合格：标签标识",
        "食品抽检不合格：微生物超标",
        "产品抽查不合格：安全性能",
    ],
    RecordKind.HONOUR: ["守合同重信用企业", "品字标浙江制造", "宁波市政府质量奖"],
    RecordKind.ANNUAL_REPORT: ["年度报告按时公示", "年度报告逾期公示"],
}


@dataclass
class Register:
    """The entities, as numpy arrays in USCC order."""

    ids: np.ndarray
    districts: np.ndarray  # county-level jurisdiction code
    types: np.ndarray
    established: np.ndarray  # datetime64[D]


def _risk(register: Register, rng: np.random.Generator) -> np.ndarray:
    district = np.vectorize(lambda c: DISTRICT_RISK.get(c, 1.0), otypes=[float])(register.districts)
    kind = np.vectorize(lambda t: TYPE_RISK.get(t, 1.0), otypes=[float])(register.types)
    return district * kind * rng.lognormal(mean=-0.5, sigma=1.0, size=len(register.ids))


def generate(
    register: Register, *, seed: int, as_of: dt.date, penalty_publicity_days=(92, 1096), activity: float = 1.0
) -> dict:
    """Records and list entries for ``register``; returns column arrays keyed by table.

    ``penalty_publicity_days``: the light and the normal publicity period in days (from rule data);
    ``activity`` scales the yearly rates of records (the city-scale benchmark uses more records per
    entity than the demo, to reach the issue's ~10 million).
    """
    rng = np.random.default_rng(seed)
    n = len(register.ids)
    today = np.datetime64(as_of, "D")
    horizon = today - np.timedelta64(4 * 365, "D")
    start = np.maximum(register.established, horizon)
    span = np.maximum((today - start).astype(int), 1)
    years = span / 365.0
    risk = _risk(register, rng)
    columns: dict[str, list] = {
        k: [] for k in ("entity", "kind", "severity", "title", "occurred", "measures", "sector")
    }

    def add(
        owner_index: np.ndarray,
        kind: str,
        severity: np.ndarray,
        titles: np.ndarray,
        measures=None,
        sector=None,
    ):
        offsets = (rng.random(len(owner_index)) * span[owner_index]).astype(int)
        columns["entity"].append(register.ids[owner_index])
        columns["kind"].append(np.full(len(owner_index), kind, dtype=object))
        columns["severity"].append(severity)
        columns["title"].append(titles)
        columns["occurred"].append(start[owner_index] + offsets.astype("timedelta64[D]"))
        columns["measures"].append(
            measures if measures is not None else np.full(len(owner_index), "[]", dtype=object)
        )
        columns["sector"].append(
            sector if sector is not None else np.full(len(owner_index), Sector.GENERAL, dtype=object)
        )

    # Annual reports: one per full year since establishment (up to 3), late with a risk-driven chance.
    reports = np.minimum(np.floor(years).astype(int), 3)
    owner = np.repeat(np.arange(n), reports)
    late = rng.random(len(owner)) < np.clip(0.08 * risk[owner], 0, 0.6)
    add(
        owner,
        RecordKind.ANNUAL_REPORT,
        np.where(late, Severity.GENERAL, Severity.INFO).astype(object),
        np.where(late, TITLES[RecordKind.ANNUAL_REPORT][1], TITLES[RecordKind.ANNUAL_REPORT][0]).astype(
            object
        ),
    )

    for kind, rate in YEARLY.items():
        lam = (
            activity
            * rate
            * years
            * (risk if kind not in (RecordKind.LICENCE, RecordKind.HONOUR) else 1 / np.maximum(risk, 0.2))
        )
        counts = rng.poisson(lam)
        owner = np.repeat(np.arange(n), counts)
        m = len(owner)
        titles = np.array(TITLES[kind], dtype=object)
        if kind == RecordKind.SPOT_CHECK:
            u = rng.random(m)
            problem = u < np.clip(0.12 * risk[owner], 0, 0.7)
            serious = u < np.clip(0.02 * risk[owner], 0, 0.2)
            severity = np.where(
                serious, Severity.SERIOUS, np.where(problem, Severity.GENERAL, Severity.INFO)
            ).astype(object)
            title = titles[np.where(serious, 2, np.where(problem, 1, 0))]
            add(owner, kind, severity, title)
        elif kind == RecordKind.PENALTY:
            weights = np.array([w for _, w in PENALTIES])
            choice = rng.choice(len(PENALTIES), size=m, p=weights / weights.sum())
            measures = np.array(
                ["[" + ", ".join(f'"{x}"' for x in ms) + "]" for ms, _ in PENALTIES], dtype=object
            )[choice]
            light = np.array([set(ms) <= {"warning", "criticism", "small_fine"} for ms, _ in PENALTIES])[
                choice
            ]
            serious = np.array(
                [bool(set(ms) & {"suspension", "licence_revoked", "bl_revoked"}) for ms, _ in PENALTIES]
            )[choice]
            severity = np.where(
                serious, Severity.SERIOUS, np.where(light, Severity.MINOR, Severity.GENERAL)
            ).astype(object)
            sector = np.where(rng.random(m) < 0.3, Sector.FOOD, Sector.GENERAL).astype(object)
            add(owner, kind, severity, titles[rng.integers(0, len(titles), m)], measures, sector)
        else:
            severity = np.full(
                m,
                Severity.INFO if kind in (RecordKind.LICENCE, RecordKind.HONOUR) else Severity.GENERAL,
                dtype=object,
            )
            add(owner, kind, severity, titles[rng.integers(0, len(titles), m)])

    records = {k: np.concatenate(v) for k, v in columns.items()}
    kinds, occurred = records["kind"], records["occurred"]
    public = kinds != RecordKind.COMPLAINT
    public &= ~((kinds == RecordKind.PENALTY) & (records["measures"] == '["warning"]'))
    light_days, normal_days = penalty_publicity_days
    is_penalty = kinds == RecordKind.PENALTY
    light = is_penalty & (records["severity"] == Severity.MINOR)
    until = np.where(
        light, occurred + np.timedelta64(light_days, "D"), occurred + np.timedelta64(normal_days, "D")
    )
    until = np.where(is_penalty & public, until, np.datetime64("NaT"))
    publicity = np.where(~public, Publicity.NOT_PUBLIC, Publicity.PUBLISHED).astype(object)
    publicity = np.where(is_penalty & public & (until < today), Publicity.EXPIRED, publicity).astype(object)
    fulfilled = np.where(
        is_penalty & (rng.random(len(kinds)) < 0.9), occurred + np.timedelta64(30, "D"), np.datetime64("NaT")
    )
    fulfilled = np.where(fulfilled > today, np.datetime64("NaT"), fulfilled)
    records.update(public=public, publicity=publicity, until=until, fulfilled=fulfilled)

    # Lists: abnormal (risk-driven; a share removed again), serious after three years, red for the honoured.
    abnormal = rng.random(n) < np.clip(0.05 * risk, 0, 0.5)
    index = np.nonzero(abnormal)[0]
    age = np.maximum((today - register.established[index]).astype(int), 1)
    entered = today - (rng.random(len(index)) * np.minimum(age, 5 * 365)).astype("timedelta64[D]")
    removed = rng.random(len(index)) < 0.35
    removed_on = entered + (rng.random(len(index)) * np.maximum((today - entered).astype(int), 1)).astype(
        "timedelta64[D]"
    )
    grounds = np.array(
        [ListGround.ANNUAL_REPORT, ListGround.UNREACHABLE, ListGround.INSTANT_INFO, ListGround.FALSE_INFO],
        dtype=object,
    )
    ground = grounds[rng.choice(4, size=len(index), p=[0.7, 0.25, 0.03, 0.02])]
    entries = {
        "entity": [register.ids[index]],
        "list": [np.full(len(index), CreditList.ABNORMAL, dtype=object)],
        "ground": [ground],
        "entered": [entered],
        "removed": [np.where(removed, removed_on, np.datetime64("NaT"))],
    }
    three_years = today - np.timedelta64(3 * 365 + 1, "D")
    serious = (~removed) & (entered < three_years) & (rng.random(len(index)) < 0.4)
    sidx = index[serious]
    entries["entity"].append(register.ids[sidx])
    entries["list"].append(np.full(len(sidx), CreditList.SERIOUS, dtype=object))
    entries["ground"].append(np.full(len(sidx), ListGround.ABNORMAL_THREE_YEARS, dtype=object))
    entries["entered"].append(entered[serious] + np.timedelta64(3 * 365 + 30, "D"))
    entries["removed"].append(np.full(len(sidx), np.datetime64("NaT")))
    red = (rng.random(n) < 0.012 / np.maximum(risk, 0.3)) & ~abnormal
    ridx = np.nonzero(red)[0]
    entries["entity"].append(register.ids[ridx])
    entries["list"].append(np.full(len(ridx), CreditList.RED, dtype=object))
    entries["ground"].append(np.full(len(ridx), ListGround.HONOURED, dtype=object))
    entries["entered"].append(today - (rng.random(len(ridx)) * 700).astype("timedelta64[D]"))
    entries["removed"].append(np.full(len(ridx), np.datetime64("NaT")))
    lists = {k: np.concatenate(v) for k, v in entries.items()}
    lists["entered"] = np.minimum(lists["entered"], today)
    return {"records": records, "lists": lists}


def to_date(value) -> dt.date | None:
    if np.isnat(value):
        return None
    return value.astype("datetime64[D]").astype(dt.date)
