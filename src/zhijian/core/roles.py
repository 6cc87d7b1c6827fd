"""The role groups every app uses, defined once (plain strings: importable before the models load).

``Role`` in ``core.models`` holds the roles with their Chinese names; these are the sets of them that
policies, navigation and scopes are written in.
"""

CITY_ADMIN, DEPARTMENT, DISTRICT, INSPECTOR, ENTERPRISE_ROLE, LAB_ROLE = (
    "city_admin",
    "department",
    "district",
    "inspector",
    "enterprise",
    "lab",
)

CITY_WIDE: frozenset[str] = frozenset({CITY_ADMIN, DEPARTMENT})
OFFICERS: frozenset[str] = CITY_WIDE | {DISTRICT}
STAFF: frozenset[str] = OFFICERS | {INSPECTOR}
ADMIN: frozenset[str] = frozenset({CITY_ADMIN})
ENTERPRISE: frozenset[str] = frozenset({ENTERPRISE_ROLE})
LAB: frozenset[str] = frozenset({LAB_ROLE})
ALL_ROLES: frozenset[str] = frozenset(
    {CITY_ADMIN, DEPARTMENT, DISTRICT, INSPECTOR, ENTERPRISE_ROLE, LAB_ROLE}
)
