"""Operations that change credit data (信用监管): one transaction each, permission-checked, audited.

Records and lists change an entity's credit risk, so each operation ends by reclassing the entity
(:func:`classify.reclassify_entity`) in the same transaction.
"""

from ._common import (  # noqa: F401
    RECORD_FIELDS,
    CreditError,
    _notify,
    _require,
    _snapshot,
)
from .lists import (  # noqa: F401
    ENTRY_FIELDS,
    _check_ground,
    _remove,
    authority_of,
    enter_list,
    remove_from_list,
)
from .proposals import (  # noqa: F401
    PROPOSAL_DEADLINE,
    PROPOSAL_FIELDS,
    _may_review,
    _open_proposal_for_decision,
    _proposal_deadline,
    confirm_listing_proposal,
    proposal_deadline,
    propose_listing,
    propose_serious_listing,
    propose_serious_removal,
    reject_listing_proposal,
    review_list_decision,
    serious_candidates,
    withdraw_listing_proposal,
)
from .records import (  # noqa: F401
    correct_record,
    expire_publicity,
    penalty_publicity_until,
    penalty_severity,
    record_credit_record,
    record_fulfilment,
    record_penalty,
    withdraw_record,
)
from .repair import (  # noqa: F401
    DECISION_RULES,
    abnormal_removal_problems,
    apply_for_repair,
    decide_repair,
    decision_deadline,
    publicity_end_problems,
)
from .scoring_models import (  # noqa: F401
    _may_manage_models,
    activate_model_version,
    create_model_version,
)
