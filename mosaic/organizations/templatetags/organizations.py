"""``{% restriction "no_deleting" as why %}``: why the signed-in member may not do this (the
organization took the right away), or "" — so a button can explain itself where it bites."""

from __future__ import annotations

from typing import Any

from django import template

from mosaic.organizations import rights

register = template.Library()


@register.simple_tag(takes_context=True)
def restriction(context: dict[str, Any], right: str) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return rights.restriction(user, right)
