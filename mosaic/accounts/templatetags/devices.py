"""Sessions and security emails in words a person reads: "Chrome on Android", "198.51.x.x"
network, never a raw user-agent string or a full address."""

from __future__ import annotations

from django import template

from mosaic.accounts.devices import browser_of, network_label

register = template.Library()


@register.filter
def browser_name(user_agent: str | None) -> str:
    return browser_of(user_agent or "")


@register.filter
def network_name(ip: str | None) -> str:
    return network_label(ip or "")
