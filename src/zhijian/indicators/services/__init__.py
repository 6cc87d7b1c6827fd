"""Operations of the plan cockpit, one module per aggregate: computing values, reporting values,
plan tasks. Every state change is ``verb_noun(*, actor, ...)`` in one transaction: permission,
save, audit, event."""
