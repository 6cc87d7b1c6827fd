"""State changes of the sampling chain: each a function ``verb_noun(*, actor, ...)``, one transaction,
permission-checked through ``core.scoping``, audited, emitting its events in the same transaction.

``actor`` is a user, or a :class:`~zhijian.core.access.SystemActor` naming the command or job
(``SystemActor("cli")``, ``SystemActor("demo")``), which acts city-wide.
"""

from ._common import (  # noqa: F401
    ESCALATE_TO,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_SUFFIXES,
    NotAllowed,
    SamplingError,
    _lock,
    _may_change,
    _not_future,
    _require,
    _today,
)
from .announcements import (  # noqa: F401
    compile_announcement,
    publish_announcement,
)
from .cases import (  # noqa: F401
    _close_loop_if_done,
    _open_case,
    add_evidence,
    add_measure,
    add_recheck,
    close_case,
    close_finished_loops,
    escalate_overdue_cases,
    send_notice,
)
from .plans import (  # noqa: F401
    create_plan,
    create_task,
)
from .retest import (  # noqa: F401
    file_objection,
    record_retest,
)
from .samples import (  # noqa: F401
    ItemIn,
    PartyIn,
    _division_units,
    _lab_may_report,
    _next_sample_no,
    confirm_receipt,
    judge_items,
    record_results,
    register_sample,
    resolve_party,
    serve_result,
)
