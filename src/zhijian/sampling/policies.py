"""Access policies of product and food sampling (see zhijian.core.access)."""

from zhijian.core.access import CITY_WIDE, LAB, OFFICERS, STAFF, define


def _has_laboratory(user) -> bool:
    from .models import laboratory_id_of

    return laboratory_id_of(user) is not None


define("sampling.plans", STAFF, "查看抽检计划、任务和公告")
define(
    "sampling.plans.edit",
    CITY_WIDE,
    "制定抽检计划、下达任务、编制和发布公告",
    "只有市局可以制定计划和发布公告",
)
define("sampling.sample", OFFICERS, "登记样品、受理异议、处置核查", "只有市局和区县局工作人员可以办理")
define(
    "sampling.lab",
    LAB,
    "检验机构接收样品、报送结果、复检",
    "只有检验机构人员可以报送检验结果",
    when=_has_laboratory,
)
define("sampling.figures", STAFF, "查看抽检指标", "您无权查看抽检指标")
