from __future__ import annotations

from typing import Any

from django import template

from mosaic.controller.services import banner

register = template.Library()


@register.inclusion_tag("controller/banner.html")
def controller_banner() -> dict[str, Any]:
    """P27: the change of hands, on every page of the app while it is recent."""
    return {"change": banner()}
