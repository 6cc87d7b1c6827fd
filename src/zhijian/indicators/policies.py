"""Access policies of the plan cockpit (see :mod:`zhijian.core.access`)."""

from zhijian.core.access import ADMIN, CITY_WIDE, OFFICERS, define

define("indicators.view", OFFICERS, "查看规划指标、任务、评估与驾驶舱（区县只见本辖区的填报与分解）")
define("indicators.report", OFFICERS, "填报指标值与任务进展（处室填本处室指标，区县填本辖区）")
define("indicators.approve", CITY_WIDE, "审核锁定填报值（须为处室负责人，且不审核本人填报）")
define("indicators.compute", ADMIN, "重新计算计算指标")
define("indicators.manage", ADMIN, "维护规划任务的节点与责任单位")
