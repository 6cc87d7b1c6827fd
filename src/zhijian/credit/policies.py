"""Access policies of credit supervision (see zhijian.core.access)."""

from zhijian.core.access import ADMIN, ENTERPRISE, OFFICERS, STAFF, define
from zhijian.core.models import Role


def _credit_department(user) -> bool:
    """The administrator, or staff of the credit department (信用监管处)."""
    return user.role == Role.CITY_ADMIN or getattr(getattr(user, "department", None), "code", "") == "credit"


define("credit.view", STAFF, "查看信用档案、分类分布、修复申请")
define(
    "credit.record",
    OFFICERS,
    "归集、撤下信用记录，复核、决定信用修复",
    "只有市局和区县局工作人员可以处理信用记录",
)
define("credit.proposals", OFFICERS, "处理列入经营异常名录建议", "只有市局和区县局工作人员可以处理列入建议")
define("credit.mine", ENTERPRISE, "企业查看本企业信用并申请信用修复", "只有企业用户可以查看“我的信用”")
define(
    "credit.models",
    ADMIN | {Role.DEPARTMENT},
    "管理信用分类模型、发起全量重新分类",
    "只有管理员和信用监管处可以管理分类模型",
    when=_credit_department,
)
