"""Access policies of the register (see zhijian.core.access)."""

from zhijian.core.access import OFFICERS, STAFF, define

define("registry.view", STAFF, "查询、导出市场主体（按辖区）")
define("registry.import", OFFICERS, "导入市场主体登记数据", "只有市局和区县局工作人员可以导入登记数据")
