"""Access policies of the 12315 app (see zhijian.core.access); rows are narrowed by core.scoping."""

from zhijian.core.access import ADMIN, CITY_WIDE, ENTERPRISE, OFFICERS, STAFF, define

define(
    "complaints.read",
    STAFF,
    "查看投诉举报件、群体投诉、管辖争议、ODR与赔偿先付名录、时限规则",
    "只有市场监管部门工作人员可以查看",
)
define(
    "complaints.handle",
    OFFICERS,
    "登记、受理、调解、办结、移送投诉举报，导入平台数据，登记ODR与赔偿先付企业",
    "只有市局和区县局工作人员可以办理投诉举报",
)
define("complaints.decide_dispute", CITY_WIDE, "指定管辖（管辖争议）", "只有市局可以指定管辖")
define("complaints.confirm_rules", ADMIN, "对照正式文本确认时限规则", "只有市局管理员可以确认规则数据")
define(
    "complaints.firm",
    ENTERPRISE,
    "企业账户：处理本企业的消费投诉（ODR）、发表公示回应",
    "只有企业用户可以使用企业账户",
)
define("complaints.figures", STAFF, "查看投诉举报统计和规划指标", "您无权查看投诉举报统计")
