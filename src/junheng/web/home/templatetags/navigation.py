"""`{% navigation as nav %}`: base.html's navigation of the page being rendered (home.navigation)."""

from __future__ import annotations

from django import template

from junheng.web.home.navigation import Navigation, navigation

register = template.Library()


@register.simple_tag(takes_context=True, name="navigation")
def navigation_tag(context: template.Context) -> Navigation | None:
    """The page's navigation; None outside a request (an e-mail, a rendered report)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return navigation(request, {str(key): value for key, value in context.flatten().items()})
