"""Demo accounts, one for every role, listed in the README."""

from __future__ import annotations

from zhijian.core.models import Department, Jurisdiction, Role, User

DEMO_PASSWORD = "zhijian-demo"  # noqa: S105 - demo databases only; `zhijian demo` refuses production mode

ACCOUNTS = [
    # username, display name, role, jurisdiction code, department code
    ("admin", "市局管理员", Role.CITY_ADMIN, None, None),
    ("credit", "信用监管处 王科长", Role.DEPARTMENT, None, "credit"),
    ("haishu", "海曙区局 陈专员", Role.DISTRICT, "330203", None),
    ("yinzhou", "鄞州区局 林专员", Role.DISTRICT, "330212", None),
    ("inspector", "海曙区局 执法员 周明", Role.INSPECTOR, "330203", None),
    ("inspector2", "海曙区局 执法员 李华", Role.INSPECTOR, "330203", None),
    ("enterprise", "企业用户", Role.ENTERPRISE, None, None),
]


def create_demo_accounts(enterprise_uscc: str) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts; return (username, role label, scope) rows for printing."""
    printed = []
    for username, display, role, jurisdiction_code, department_code in ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name = display
        user.role = role
        user.jurisdiction = Jurisdiction.objects.get(code=jurisdiction_code) if jurisdiction_code else None
        user.department = Department.objects.get(code=department_code) if department_code else None
        user.entity_uscc = enterprise_uscc if role == Role.ENTERPRISE else ""
        user.is_staff = user.is_superuser = role == Role.CITY_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        scope = (user.jurisdiction.name if user.jurisdiction else "") or (
            user.department.name if user.department else ""
        )
        printed.append(
            (
                username,
                Role(role).label,
                scope or ("本企业 " + enterprise_uscc if role == Role.ENTERPRISE else "全市"),
            )
        )
    return printed
