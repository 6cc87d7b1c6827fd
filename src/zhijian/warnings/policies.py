"""Access policies of the early-warning platform (see zhijian.core.access)."""

from zhijian.core.access import CITY_WIDE, OFFICERS, define

define("warnings.view", OFFICERS, "查看预警信号、预警和驾驶舱", "只有市局和区县局工作人员可以查看风险预警")
define(
    "warnings.triage",
    CITY_WIDE,
    "研判预警信号（排除、合并、发布预警），核实措施并关闭预警，发布消费提示",
    "只有市局（食品协调处）可以研判信号和发布预警",
)
define("warnings.sources", CITY_WIDE, "管理信息源、导入外部数据", "只有市局可以管理信息源")
define("warnings.answer", OFFICERS, "反馈预警的核查处置情况", "只有预警的接收单位可以反馈")
