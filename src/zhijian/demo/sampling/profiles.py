"""Synthetic sampling profiles (合成抽检画像): what the demo samples, where, and how often it fails.

Shares and failure rates are of the order the published national and provincial sampling results
show (food ≈ 3 % 不合格 overall, agricultural produce and catering utensils highest, dairy lowest;
circulation product-quality sampling ≈ 10 %, wires and children's products highest); they are a
plausible shape for a demo, not statistics. Names and brands are synthetic.
"""

from __future__ import annotations

# category code → (share of the kind's batches, failure rate of supervisory sampling,
#                  {item code: weight among failures}, product names, stages with weights)
FOOD_STAGES = {"production": 0.12, "circulation": 0.70, "online": 0.06, "catering": 0.12}
PRODUCE_STAGES = {"circulation": 0.85, "catering": 0.15}
FOOD: dict[str, tuple[float, float, dict[str, int], list[str], dict[str, float]]] = {
    "F0101": (
        0.05,
        0.006,
        {"cd": 6, "pb": 2, "afb1": 2},
        ["东北大米", "丝苗米", "珍珠米", "香米"],
        FOOD_STAGES,
    ),
    "F0102": (
        0.03,
        0.004,
        {"don": 5, "zen": 3, "cd": 2},
        ["高筋小麦粉", "通用小麦粉", "饺子粉"],
        FOOD_STAGES,
    ),
    "F0201": (0.04, 0.015, {"afb1": 5, "av": 3, "bap": 2}, ["压榨花生油", "小榨花生油"], FOOD_STAGES),
    "F0301": (
        0.06,
        0.025,
        {"tpc": 4, "sorbic": 2, "nitrite": 2, "benzoic": 1, "sa": 1},
        ["酱鸭", "卤牛肉", "酱肘子", "白斩鸡"],
        FOOD_STAGES,
    ),
    "F0401": (
        0.08,
        0.030,
        {"tpc": 3, "mould": 3, "pov": 2, "al": 1, "coliform": 1},
        ["绿豆糕", "蛋黄酥", "宁波糕点（苔菜千层酥）", "桃酥"],
        FOOD_STAGES,
    ),
    "F0501": (0.05, 0.025, {"pa": 6, "bromate": 2, "cod": 1}, ["饮用纯净水", "桶装饮用纯净水"], FOOD_STAGES),
    "F0601": (
        0.03,
        0.012,
        {"cyclamate": 6, "methanol": 1, "saccharin": 2},
        ["白酒（浓香型）", "白酒（清香型）", "散装白酒"],
        FOOD_STAGES,
    ),
    "F0701": (
        0.07,
        0.060,
        {"procymidone": 7, "omethoate": 1, "phorate": 1, "cd": 1},
        ["韭菜"],
        PRODUCE_STAGES,
    ),
    "F0702": (
        0.06,
        0.050,
        {"chlorpyrifos": 5, "phorate": 3, "carbofuran": 1, "cd": 1},
        ["芹菜", "西芹"],
        PRODUCE_STAGES,
    ),
    "F0703": (
        0.06,
        0.050,
        {"cyromazine": 5, "fenthion": 2, "isocarbophos": 1, "carbofuran": 1},
        ["豇豆"],
        PRODUCE_STAGES,
    ),
    "F0801": (
        0.08,
        0.010,
        {"enrofloxacin": 4, "sulfonamides": 3, "clenbuterol": 1},
        ["猪肉", "猪后腿肉"],
        PRODUCE_STAGES,
    ),
    "F0901": (
        0.07,
        0.040,
        {"enrofloxacin": 4, "malachite": 2, "aoz": 2, "chloramphenicol": 1},
        ["鲫鱼", "草鱼", "鳊鱼", "黑鱼"],
        PRODUCE_STAGES,
    ),
    "F1001": (
        0.06,
        0.030,
        {"enrofloxacin": 5, "fipronil": 2, "metronidazole": 1},
        ["鸡蛋", "土鸡蛋"],
        PRODUCE_STAGES,
    ),
    "F1101": (
        0.06,
        0.070,
        {"coliform": 5, "detergent": 4},
        ["复用餐饮具（碗）", "复用餐饮具（盘）"],
        {"catering": 1.0},
    ),
    "F1102": (
        0.06,
        0.020,
        {"saccharin": 3, "sorbic": 2, "benzoic": 2, "al": 2},
        ["馒头（自制）", "花卷（自制）", "包子皮（自制）"],
        {"catering": 1.0},
    ),
    "F1201": (0.04, 0.010, {"aan": 4, "tpc": 2, "benzoic": 1}, ["酿造酱油", "生抽", "老抽"], FOOD_STAGES),
    "F1301": (
        0.04,
        0.020,
        {"pov": 4, "av": 2, "cyclamate": 2},
        ["五香瓜子", "焦糖瓜子", "山核桃味瓜子"],
        FOOD_STAGES,
    ),
    "F1401": (0.06, 0.0005, {"protein": 1}, ["纯牛奶", "全脂灭菌乳"], FOOD_STAGES),
}
PRODUCT_STAGES = {"circulation": 0.95, "online": 0.05}
PRODUCT: dict[str, tuple[float, float, dict[str, int], list[str], dict[str, float]]] = {
    "P0101": (
        0.20,
        0.15,
        {"resistance": 5, "thickness": 3, "thinnest": 2, "elongation": 1},
        ["BV 2.5mm² 聚氯乙烯绝缘电线"],
        PRODUCT_STAGES,
    ),
    "P0201": (0.05, 0.08, {"marking": 3, "ingress": 2, "surface_temp": 1}, ["隔爆型LED灯"], PRODUCT_STAGES),
    "P0301": (0.10, 0.02, {"strength_3d": 2, "so3": 1}, ["P·O 42.5 普通硅酸盐水泥"], PRODUCT_STAGES),
    "P0401": (0.10, 0.06, {"hcho": 1}, ["细木工板", "刨花板", "多层板"], PRODUCT_STAGES),
    "P0402": (0.10, 0.05, {"voc": 3, "hcho": 2, "btex": 1}, ["内墙乳胶漆"], PRODUCT_STAGES),
    "P0403": (0.10, 0.04, {"absorption": 3, "breaking": 1}, ["瓷质抛光砖", "仿古砖"], PRODUCT_STAGES),
    "P0501": (
        0.12,
        0.12,
        {"ph": 3, "cords": 3, "saliva": 2, "hcho": 1},
        ["婴幼儿连体衣", "儿童T恤", "儿童卫衣"],
        PRODUCT_STAGES,
    ),
    "P0502": (
        0.10,
        0.10,
        {"phthalate_a": 4, "small_parts": 3, "pb": 1},
        ["塑胶玩具车", "软胶公仔", "洗澡玩具"],
        PRODUCT_STAGES,
    ),
    "P0601": (
        0.07,
        0.09,
        {"leakage": 2, "marking": 3, "input": 2, "live_parts": 1},
        ["油汀取暖器", "暖风机"],
        PRODUCT_STAGES,
    ),
    "P0602": (0.06, 0.08, {"stability": 3, "marking": 3, "leakage": 1}, ["落地扇", "台扇"], PRODUCT_STAGES),
}
# Supervisory sampling targets risk; evaluative sampling is random; risk monitoring looks for trouble.
FOOD_PURPOSES = {"supervision": 0.70, "evaluation": 0.20, "risk": 0.10}
PURPOSE_FACTOR = {"supervision": 1.0, "evaluation": 0.25, "risk": 1.6}
# Agricultural produce carries no claimed producer; catering food is made by the seller itself.
NO_PRODUCER = {"F0701", "F0702", "F0703", "F0801", "F0901", "F1001"}
SELF_MADE = {"F1101", "F1102"}
LOCAL_PRODUCER_SHARE = {"food": 0.30, "product": 0.35}

BRANDS = [
    "甬禾",
    "稻香源",
    "明州",
    "四明山",
    "东海湾",
    "象山港",
    "天一",
    "鼓楼坊",
    "三江口",
    "甬上鲜",
    "越味",
    "江南春",
    "甬江源",
    "慈城记",
    "宁海湾",
    "溪口",
    "前童",
    "翠屏山",
    "梁弄",
    "杭湾",
]
OUTSIDE = [  # region, division code (for a synthetic USCC), trade word
    ("浙江省杭州市", "330100"),
    ("浙江省嘉兴市", "330400"),
    ("浙江省绍兴市", "330600"),
    ("浙江省台州市", "331000"),
    ("浙江省温州市", "330300"),
    ("浙江省金华市", "330700"),
    ("上海市", "310000"),
    ("江苏省苏州市", "320500"),
    ("江苏省无锡市", "320200"),
    ("安徽省合肥市", "340100"),
    ("山东省临沂市", "371300"),
    ("福建省厦门市", "350200"),
    ("广东省佛山市", "440600"),
    ("广东省汕头市", "440500"),
    ("河北省保定市", "130600"),
    ("四川省成都市", "510100"),
]
# Local manufacturers the demo adds to the register, so that producers are found there:
# (GB/T 4754-2017 class, name word, categories they make)
LOCAL_MAKERS = [
    ("C1310", "粮油", ["F0101", "F0102"]),
    ("C1331", "油脂", ["F0201"]),
    ("C1353", "肉制品", ["F0301"]),
    ("C1411", "食品", ["F0401"]),
    ("C1524", "饮用水", ["F0501"]),
    ("C1512", "酒业", ["F0601"]),
    ("C1461", "酿造", ["F1201"]),
    ("C1371", "炒货食品", ["F1301"]),
    ("C1441", "乳业", ["F1401"]),
    ("C3831", "电线电缆", ["P0101"]),
    ("C3823", "防爆电器", ["P0201"]),
    ("C3011", "水泥", ["P0301"]),
    ("C2021", "木业", ["P0401"]),
    ("C2641", "涂料", ["P0402"]),
    ("C3071", "陶瓷", ["P0403"]),
    ("C1810", "童装", ["P0501"]),
    ("C2451", "玩具", ["P0502"]),
    ("C3856", "电器", ["P0601", "P0602"]),
]
LABS = [
    # code, name, CMA number, food, products, on the re-test list
    ("L01", "宁波甬诚食品检验检测中心", "231120340011", True, False, True),
    ("L02", "宁波明州质量检测技术有限公司", "231120340027", True, True, True),
    ("L03", "宁波海曙三江检验检测有限公司", "231120340035", True, False, True),
    ("L04", "宁波甬江产品质量检验研究院", "231120340042", False, True, True),
    ("L05", "宁波北仑港城检测技术有限公司", "231120340058", True, False, False),
]
FOOD_LABS = ["L01", "L03", "L05", "L02"]
PRODUCT_LABS = ["L04", "L02"]
# Functional zones sample for their own area; their share of the city's batches.
ZONE_SHARES = {"3302Z1": 0.020, "3302Z2": 0.015, "3302Z3": 0.008, "3302Z4": 0.004, "3302Z5": 0.006}
# Specifications as labels print them, by category (products) or by kind of food.
SPECS = {
    "P0101": ["BV 2.5mm² 100m/卷", "BV 2.5mm² 50m/卷"],
    "P0201": ["BAD85-30W Ex db IIB T4 Gb", "BAD63-50W Ex db IIC T4 Gb"],
    "P0301": ["50kg/袋", "散装"],
    "P0401": ["1220mm×2440mm×18mm", "1220mm×2440mm×15mm"],
    "P0402": ["5L/桶", "18L/桶"],
    "P0403": ["800mm×800mm", "600mm×1200mm"],
    "P0501": ["90/48", "110/56", "130/64"],
    "P0502": ["3岁以上", "36个月以上"],
    "P0601": ["2000W 220V~", "1800W 220V~"],
    "P0602": ["45W 220V~", "60W 220V~"],
    "food": ["500g/袋", "250g/盒", "1kg/袋", "5L/桶", "550mL/瓶", "散装称重"],
}
# Where samples are taken (GB/T 4754-2017 classes of the register): shops that sell food, or products.
SELLER_CLASSES = {
    "retail": ("F5211", "F5223", "F5221", "F5191"),
    "catering": ("H6210", "H6220"),
    "products": ("F5292", "F5261", "F5254", "F5191"),
}
