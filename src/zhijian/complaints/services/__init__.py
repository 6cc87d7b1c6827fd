"""State changes of 12315 cases, split by aggregate; each ``verb_noun(*, actor, ...)`` runs in one
transaction in the order permission, save, deadline, audit, event.

``intake``: filing from every channel; ``routing``: the responsible unit, transfers and disputes;
``handling``: acceptance, mediation, outcome, report decisions, merging; ``firms``: the ODR and
赔偿先付 registers and the firm's answers; ``rules``: confirming rule data against the official text.
"""

from ._base import ComplaintsError, NotAllowed

__all__ = ["ComplaintsError", "NotAllowed"]
