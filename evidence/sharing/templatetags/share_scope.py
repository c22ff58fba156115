"""{% if share|allows:"download" %}: the lawyer pages ask a share's scope through the one selector."""

from django import template

from evidence.sharing.selectors import share_allows

register = template.Library()


@register.filter
def allows(share, scope: str) -> bool:
    return share_allows(share, scope)
