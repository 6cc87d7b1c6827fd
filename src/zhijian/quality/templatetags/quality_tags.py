"""Template helpers of the quality pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ names|get_item:code }}``: a dict lookup by a variable key (the name of a 246 cluster)."""
    return (mapping or {}).get(key, key)


@register.filter
def cluster_list(codes, names):
    return "、".join(names.get(c, c) for c in codes or []) or "—"
