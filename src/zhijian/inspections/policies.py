"""Access policies of 双随机、一公开 (see zhijian.core.access)."""

from zhijian.core.access import CITY_WIDE, OFFICERS, STAFF, define
from zhijian.core.models import Role

define(
    "inspections.manage",
    OFFICERS,
    "抽查事项、检查人员、计划、任务、抽取、分派与公示",
    "只有市局和区县局工作人员可以管理抽查",
)
define("inspections.catalogue.edit", CITY_WIDE, "编辑抽查事项清单", "只有市局可以编辑抽查事项清单")
define("inspections.work", STAFF, "办理检查、登记回避", "只有执法检查人员和监管人员可以办理检查")
define("inspections.field", {Role.INSPECTOR}, "检查人员的现场页面", "只有执法检查人员可以使用现场页面")
