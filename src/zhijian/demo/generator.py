"""Deterministic synthetic Ningbo (合成宁波): market entities that look like the real city's.

The same ``seed`` and ``scale`` always give the same rows, on any machine. Shares follow the city's
published shape: about 58 % 个体工商户, most entities in 鄞州, 慈溪, 海曙 and 余姚, manufacturing
concentrated in the 246 clusters.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from stdnum.cn import uscc as uscc_code

SCALES = {"demo": 20_000, "city": 1_500_000}

# County-level unit code → (share of entities, USCC division code).
DISTRICT_SHARES = {
    "330212": (0.160, "330212"),
    "330282": (0.140, "330282"),
    "330203": (0.110, "330203"),
    "330281": (0.100, "330281"),
    "330206": (0.090, "330206"),
    "330226": (0.070, "330226"),
    "330225": (0.070, "330225"),
    "330205": (0.060, "330205"),
    "330213": (0.060, "330213"),
    "330211": (0.050, "330211"),
    "3302Z1": (0.030, "330212"),
    "3302Z2": (0.025, "330282"),
    "3302Z3": (0.012, "330206"),
    "3302Z4": (0.005, "330206"),
    "3302Z5": (0.010, "330212"),
}
DISTRICT_NAMES = {
    "330203": "海曙区",
    "330205": "江北区",
    "330206": "北仑区",
    "330211": "镇海区",
    "330212": "鄞州区",
    "330213": "奉化区",
    "330225": "象山县",
    "330226": "宁海县",
    "330281": "余姚市",
    "330282": "慈溪市",
    "3302Z1": "高新区",
    "3302Z2": "杭州湾新区",
    "3302Z3": "北仑区",
    "3302Z4": "北仑区",
    "3302Z5": "鄞州区",
}
TYPES = [  # label as an official export writes it, USCC type prefix, share
    ("个体工商户", "92", 0.58),
    ("有限责任公司（自然人投资或控股）", "91", 0.30),
    ("有限责任公司（法人独资）", "91", 0.03),
    ("股份有限公司（非上市、自然人投资或控股）", "91", 0.007),
    ("个人独资企业", "91", 0.015),
    ("普通合伙企业", "91", 0.008),
    ("有限合伙企业", "91", 0.007),
    ("有限责任公司（外商投资、非独资）", "91", 0.01),
    ("有限责任公司分公司（自然人投资或控股）", "91", 0.03),
    ("农民专业合作社", "93", 0.01),
    ("集体所有制", "91", 0.003),
]
STATUSES = [("存续", 0.88), ("注销", 0.08), ("吊销，未注销", 0.03), ("迁出", 0.007), ("停业", 0.003)]
# Industry classes by kind of entity: (GB/T 4754-2017 class, word for the name, weight).
INDIVIDUAL_TRADES = [
    ("F5211", "便利店", 14),
    ("F5261", "服装店", 6),
    ("H6210", "小吃店", 12),
    ("H6220", "快餐店", 6),
    ("F5221", "水果店", 5),
    ("F5223", "副食品店", 6),
    ("O8010", "家政服务部", 2),
    ("O8070", "理发店", 6),
    ("O8111", "汽车修理部", 4),
    ("F5292", "五金店", 4),
    ("F5231", "茶叶店", 2),
    ("F5254", "手机店", 3),
    ("H6110", "旅馆", 2),
    ("F5271", "药店", 2),
    ("O8090", "洗衣店", 2),
    ("A0141", "蔬菜种植场", 2),
]
COMPANY_TRADES = [
    ("C3451", "轴承", 3),
    ("C3484", "机械零部件", 4),
    ("C3311", "金属结构", 3),
    ("C3411", "锅炉设备", 1),
    ("C3513", "机械设备", 3),
    ("C3670", "汽车零部件", 5),
    ("C3851", "家用电器", 4),
    ("C3872", "照明电器", 2),
    ("C1810", "服饰", 5),
    ("C1713", "纺织", 3),
    ("C2927", "塑料制品", 4),
    ("C2614", "化工", 2),
    ("C2511", "石化", 1),
    ("C3985", "电子元件", 3),
    ("C3911", "电子科技", 2),
    ("C2710", "医药", 1),
    ("C3581", "医疗器械", 1),
    ("C2411", "文具", 2),
    ("C2441", "体育用品", 1),
    ("C3591", "环保设备", 1),
    ("C3240", "新材料", 1),
    ("C3021", "建材", 1),
    ("C3710", "船舶配件", 1),
    ("I6510", "软件", 4),
    ("I6420", "网络科技", 3),
    ("M7320", "科技研发", 1),
    ("N7721", "环境工程", 1),
    ("F5191", "贸易", 14),
    ("F5137", "进出口", 6),
    ("E4700", "建设工程", 4),
    ("L7212", "投资管理", 3),
    ("K7010", "房地产开发", 1),
    ("H6210", "餐饮管理", 3),
    ("G5438", "物流", 3),
    ("L7281", "会展服务", 1),
    ("M7484", "设计", 2),
    ("L7251", "广告", 2),
]
TRADE_NAMES = list(
    "恒达瑞华鑫盛宏泰诚信嘉禾甬明海天越博卓森润丰金诺凯亿锦鸿宇昌顺兴隆德元康安永新宝利正和富通"
)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜钟陆汪范金石邵俞应竺虞毛翁胡"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海波红玲斌宁燕飞丹萍鹏浩宇晨阳欣怡佳琪")
ROADS = [
    "中山路",
    "解放路",
    "天童路",
    "钱湖路",
    "江南路",
    "人民路",
    "环城路",
    "兴宁路",
    "百丈路",
    "世纪大道",
    "长江路",
    "黄山路",
    "新河路",
    "育才路",
    "商城路",
    "工业路",
    "创业路",
    "科技路",
    "开发区路",
    "滨海路",
]
OFFICES = {
    "330203": [
        "鼓楼",
        "南门",
        "西门",
        "白云",
        "段塘",
        "望春",
        "石碶",
        "集士港",
        "高桥",
        "古林",
        "横街",
        "鄞江",
    ],
    "330205": ["中马", "白沙", "孔浦", "文教", "甬江", "庄桥", "洪塘", "慈城"],
    "330211": ["招宝山", "蛟川", "骆驼", "庄市", "贵驷", "澥浦", "九龙湖"],
    "330206": ["新碶", "小港", "大碶", "霞浦", "柴桥", "春晓", "梅山", "白峰"],
    "330212": [
        "钟公庙",
        "中河",
        "首南",
        "下应",
        "潘火",
        "东胜",
        "明楼",
        "百丈",
        "白鹤",
        "福明",
        "东柳",
        "邱隘",
        "五乡",
        "云龙",
        "姜山",
        "咸祥",
    ],
    "330213": ["锦屏", "岳林", "江口", "西坞", "萧王庙", "溪口", "莼湖", "裘村"],
    "330282": [
        "浒山",
        "白沙路",
        "古塘",
        "坎墩",
        "宗汉",
        "观海卫",
        "附海",
        "桥头",
        "逍林",
        "新浦",
        "胜山",
        "横河",
        "崇寿",
        "长河",
        "周巷",
        "龙山",
    ],
    "330281": [
        "凤山",
        "阳明",
        "梨洲",
        "兰江",
        "朗霞",
        "低塘",
        "临山",
        "泗门",
        "马渚",
        "牟山",
        "丈亭",
        "陆埠",
        "梁弄",
    ],
    "330226": ["跃龙", "桃源", "梅林", "桥头胡", "长街", "力洋", "一市", "岔路", "西店", "深甽"],
    "330225": ["丹东", "丹西", "爵溪", "石浦", "西周", "贤庠", "墙头", "定塘", "大徐", "新桥"],
    "3302Z1": ["梅墟", "新明"],
    "3302Z2": ["世纪城", "庵东"],
    "3302Z3": ["保税区"],
    "3302Z4": ["大榭"],
    "3302Z5": ["东钱湖", "殷湾"],
}
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "类型",
    "法定代表人",
    "注册资本（万元）",
    "成立日期",
    "登记状态",
    "住所",
    "所属行业",
    "管辖单位",
    "市场监管所",
    "标签",
    "联系电话",
]
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _weighted(rng: random.Random, items, weight_index: int):
    weights = [i[weight_index] for i in items]
    return rng.choices(items, weights=weights, k=1)[0]


class EntityGenerator:
    """Yields register rows (as an official export would have them) for ``count`` entities."""

    def __init__(self, seed: int, count: int, today: dt.date | None = None):
        self.rng = random.Random(seed)
        self.count = count
        self.today = today or dt.date(2026, 11, 1)
        self.seen: set[str] = set()
        districts = list(DISTRICT_SHARES.items())
        self.district_codes = [code for code, _ in districts]
        self.district_weights = [share for _, (share, _) in districts]

    def _uscc(self, prefix: str, division: str) -> str:
        while True:
            body = prefix + division + "".join(self.rng.choice(_ALPHABET) for _ in range(9))
            code = body + uscc_code.calc_check_digit(body)
            if code not in self.seen:
                self.seen.add(code)
                return code

    def _person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def _established(self) -> dt.date:
        # Most entities are young: the register roughly doubled over the last decade.
        years_back = min(35.0, self.rng.expovariate(1 / 7.0))
        day = self.today - dt.timedelta(days=int(years_back * 365.25))
        return max(day, dt.date(1990, 1, 1))

    def rows(self) -> Iterator[list[str]]:
        rng = self.rng
        for _ in range(self.count):
            district = rng.choices(self.district_codes, weights=self.district_weights, k=1)[0]
            division = DISTRICT_SHARES[district][1]
            type_label, prefix, _ = _weighted(rng, TYPES, 2)
            established = self._established()
            if district == "330212" and established < dt.date(2016, 9, 1) and rng.random() < 0.3:
                division = "330204"  # registered in the former 江东区; the code outlives the district
            person = self._person()
            office = rng.choice(OFFICES[district])
            place = DISTRICT_NAMES[district]
            address = f"浙江省宁波市{place}{office}{rng.choice(('街道', '镇'))}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            tags = ""
            if prefix == "92":
                industry, word, _ = _weighted(rng, INDIVIDUAL_TRADES, 2)
                name = f"{place}{person[0]}{rng.choice(TRADE_NAMES)}{word}"
                capital = f"{rng.choice((1, 2, 3, 5, 10, 20, 30, 50))}"
            else:
                industry, word, _ = _weighted(rng, COMPANY_TRADES, 2)
                trade = rng.choice(TRADE_NAMES) + rng.choice(TRADE_NAMES)
                if "合作社" in type_label:
                    name = f"宁波市{place}{trade}农产品专业合作社"
                    industry = "A0141"
                elif "分公司" in type_label:
                    name = f"宁波{trade}{word}有限公司{office}分公司"
                elif "合伙" in type_label:
                    name = f"宁波{trade}{word}合伙企业（{'有限' if '有限' in type_label else '普通'}合伙）"
                elif "个人独资" in type_label:
                    name = f"宁波{trade}{word}商行"
                elif "股份" in type_label:
                    name = f"宁波{trade}{word}股份有限公司"
                else:
                    name = f"宁波{trade}{word}有限公司"
                capital = f"{round(rng.lognormvariate(4.5, 1.3), 2):g}" if "分公司" not in type_label else ""
                if industry.startswith("C"):
                    labels = []
                    draw = rng.random()
                    if draw < 0.08:
                        labels.append("规上")
                    if draw < 0.015:
                        labels.append("专精特新")
                    if rng.random() < 0.03:
                        labels.append("高新技术企业")
                    if draw < 0.0008:
                        labels.append("单项冠军")
                    tags = "、".join(labels)
            status = _weighted(rng, STATUSES, 1)[0]
            phone = (
                f"0574-8{rng.randint(0, 9999999):07d}"
                if rng.random() < 0.7
                else f"13{rng.randint(0, 999999999):09d}"
            )
            yield [
                self._uscc(prefix, division),
                name,
                type_label,
                person,
                capital,
                established.isoformat(),
                status,
                address,
                industry,
                _zone_name(district) if district.startswith("3302Z") else f"宁波市{place}市场监督管理局",
                office,
                tags,
                phone,
            ]


def _zone_name(code: str) -> str:
    return {"3302Z1": "高新区", "3302Z2": "杭州湾", "3302Z3": "保税区", "3302Z4": "大榭", "3302Z5": "东钱湖"}[
        code
    ]


def write_csv(path: Path, rows, encoding: str = "utf-8") -> int:
    count = 0
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def changed_rows(rows: list[list[str]], seed: int, share: float = 0.03) -> list[list[str]]:
    """A later export of the same register: a few entities renamed, moved, deregistered or revoked."""
    rng = random.Random(seed + 1)
    out = []
    for row in rows:
        row = list(row)
        if row[6] == "存续" and rng.random() < share:
            change = rng.random()
            if change < 0.4:
                row[7] = row[7].rsplit("路", 1)[0] + f"路{rng.randint(1000, 1999)}号"
            elif change < 0.6:
                row[3] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            elif change < 0.85:
                row[6] = "注销"
            else:
                row[6] = "吊销，未注销"
        out.append(row)
    return out
