"""Access policies of special equipment (see zhijian.core.access).

Rows are always narrowed by scoping (models.py): a district sees its district; an enterprise the
units it uses and those it maintains; an inspection institute (role ``lab``) the units assigned to it.
"""

from zhijian.core.access import ADMIN, CITY_WIDE, ENTERPRISE, LAB, OFFICERS, STAFF, define

define("equipment.view", STAFF, "查看特种设备概览、到期清单、监测大屏、事故率", "您无权查看特种设备监管信息")
define("equipment.register", OFFICERS, "导入台账、变更设备状态、录入事故", "只有市局和区县局工作人员可以办理")
define("equipment.enterprise", ENTERPRISE, "使用单位和维保单位查看本单位设备、到期提醒", "仅限企业账户")
define(
    "equipment.records", OFFICERS | ENTERPRISE | LAB, "录入检验结论、自行检测、维保记录", "您无权录入该记录"
)
define(
    "equipment.rescue", OFFICERS | ENTERPRISE, "登记困人救援到达与解救", "只有维保单位和监管人员可以登记救援"
)
define("equipment.grades.decide", CITY_WIDE, "评定并公布维保单位等级", "只有市局可以评定和公布维保单位等级")
define("equipment.rules.confirm", ADMIN, "确认待确认的规则数据", "只有市局管理员可以确认规则")
