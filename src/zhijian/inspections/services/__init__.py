"""State changes of 双随机、一公开: each one transaction, permission-checked, audited, events emitted.

Bad input raises :class:`InspectionError` (a stable English ``code``, a Chinese message) and
changes nothing; a user who may not act raises ``PermissionDenied``.
"""

from ._common import (  # noqa: F401
    CAP_RULE,
    CODE_ALPHABET,
    DEADLINE_TYPE,
    MAX_ATTACHMENT_BYTES,
    PUBLICITY_RULE,
    RECHECK_RULE,
    TEAM_RULE,
    InspectionError,
    _covers,
    _require_change,
    _require_staff,
    _role,
    _snapshot_item,
    _text,
    city_unit,
    new_verification_code,
)
from .assignment import (  # noqa: F401
    _county_code,
    assign_inspectors,
    assignment_inputs,
)
from .draws import (  # noqa: F401
    _INSPECTION_FIELDS,
    COMMITMENT_KIND,
    REDRAW_RULE,
    _beacon,
    _draw_public,
    _freeze,
    _materialise_checks,
    archive_in_signed_head,
    commit_draw,
    draw_beacon,
    frozen_text_of,
    perform_draw,
    redraw,
)
from .objects import available_kinds, equipment_ratios  # noqa: F401
from .registers import (  # noqa: F401
    _snapshot_inspector,
    declare_conflict,
    record_absence,
    save_check_item,
    save_inspector,
)
from .results import (  # noqa: F401
    _MAGIC,
    _emit_result,
    _may_work_on,
    _require_work,
    _snapshot_result,
    attach_file,
    legal_basis_text,
    publish_results,
    record_recheck,
    record_result,
    refer_case,
    report_rectification,
    sniff,
)
from .tasks import (  # noqa: F401
    _snapshot_task,
    _territory,
    create_plan,
    create_task,
    default_ratios,
    eligible_entities,
    eligible_lines,
    eligible_size,
)
