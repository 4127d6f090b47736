from __future__ import annotations

from typing import Any

from django import template

from mosaic.policy.models import PolicyVersion

register = template.Library()


@register.inclusion_tag("policy/notice_banner.html")
def upcoming_policy_notice() -> dict[str, Any]:
    """P14: until a published version takes effect, every page says so and links to it."""
    return {"versions": list(PolicyVersion.objects.upcoming().defer("body"))}
