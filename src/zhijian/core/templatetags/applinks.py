"""``{% applink "credit.entity" uscc as url %}``: a link to another app's page through the hooks."""

from django import template

from zhijian.core.hooks import link

register = template.Library()


@register.simple_tag
def applink(name: str, *args):
    """The URL of another app's page (``AppConfig.links``), or an empty string when it is absent."""
    return link(name, *args) or ""
