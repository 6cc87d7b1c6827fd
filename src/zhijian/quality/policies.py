"""Access policies of quality infrastructure (see :mod:`zhijian.core.access`); rows are then scoped."""

from zhijian.core.access import CITY_WIDE, ENTERPRISE, LAB, OFFICERS, STAFF, define
from zhijian.core.models import Role

DISTRICT = frozenset({Role.DISTRICT})

define("quality.view", STAFF, "查看对标达标、培育库和一站式服务的工作页面")
define(
    "quality.standard.change", CITY_WIDE, "维护标准库（录入、导入、标注代替和废止）", "只有市局可以维护标准库"
)
define(
    "quality.campaign.change",
    CITY_WIDE,
    "部署对标达标专项行动：年度、产业、目标、配额",
    "只有市局可以部署专项行动",
)
define(
    "quality.enrolment.create", OFFICERS, "报送本辖区对标企业（附件2）", "只有区县（市）局可以报送对标企业"
)
define("quality.enrolment.review", CITY_WIDE, "确认或退回对标企业", "只有市局可以审核对标企业名单")
define("quality.enrolment.plan", OFFICERS, "登记对标技术方案和对标结果")
define(
    "quality.enrolment.recommend_leader",
    CITY_WIDE,
    "推荐企业标准“领跑者”",
    "只有市局可以推荐企业标准“领跑者”",
)
define(
    "quality.report.prepare",
    DISTRICT,
    "生成、审核、报送本单位进展情况报表（附件3）",
    "只有区县（市）局可以填报进展情况报表",
)
define("quality.report.summary", CITY_WIDE, "查看全市汇总和各单位报送情况，发送催报提醒")
define("quality.library.nominate", OFFICERS, "推荐企业进入培育库", "您没有推荐入库的权限")
define(
    "quality.library.advance", CITY_WIDE, "调整培育阶段、登记获奖记录", "只有市局可以调整培育阶段或登记获奖"
)
define("quality.library.record", OFFICERS, "登记辅导记录和证明材料")
define("quality.provider.register", CITY_WIDE, "审核机构入驻，关联机构账户", "只有市局可以审核机构入驻")
define("quality.capability.publish", LAB | CITY_WIDE, "发布服务能力", "只有服务机构可以发布服务能力")
define("quality.service.search", STAFF | ENTERPRISE, "检索服务能力")
define(
    "quality.request.create",
    ENTERPRISE | OFFICERS,
    "提出服务需求（对标企业的检测和技术支持）",
    "您没有提出服务需求的权限",
)
define("quality.request.answer", LAB, "报价、谢绝、出具报告", "只有承接机构可以处理该需求")
define("quality.request.accept", ENTERPRISE | OFFICERS, "接受报价并预约、取消需求")
define("quality.request.rate", ENTERPRISE, "评价服务", "只有提出需求的企业可以评价")
define("quality.request.view", ENTERPRISE | OFFICERS | LAB | {Role.INSPECTOR}, "查看服务需求（按范围）")
define("quality.analysis", CITY_WIDE, "查看需求、响应时间和“246”产业能力缺口分析")
define("quality.mine", ENTERPRISE, "企业查看本企业的对标、入库和服务需求")
