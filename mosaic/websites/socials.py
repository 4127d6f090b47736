"""Social icons on a site (issue #20): a row of links to the owner's profiles elsewhere.

Each network takes what its owner is likely to paste, a profile address or an ``@handle`` (a
phone number for WhatsApp, an address for email), and keeps one safe address: https on the
network's own hosts, ``mailto:`` for email, ``https://wa.me/<digits>`` for WhatsApp. The icons
are Tabler's (``icons/``, MIT), inlined into the page: no request leaves for anyone else, and
each link carries its network's name for screen readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from mosaic.websites import rules

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

ICONS = Path(__file__).parent / "icons"
HANDLE = re.compile(r"^@?([A-Za-z0-9._-]{1,64})$")
PHONE = re.compile(r"^\+?[0-9 ().-]{6,24}$")


@dataclass(frozen=True)
class Network:
    key: str
    label: str | _StrPromise
    icon: str
    #: hosts a pasted address may be on (subdomains such as www. and m. included)
    hosts: tuple[str, ...] = ()
    #: the profile address of an ``@handle``; "" when a handle is not enough
    profile: str = ""
    example: str | _StrPromise = ""


NETWORKS: tuple[Network, ...] = (
    Network(
        "instagram",
        "Instagram",
        "brand-instagram",
        ("instagram.com",),
        "https://www.instagram.com/{}/",
        "@olivia",
    ),
    Network(
        "tiktok", "TikTok", "brand-tiktok", ("tiktok.com",), "https://www.tiktok.com/@{}", "@olivia"
    ),
    Network(
        "youtube",
        "YouTube",
        "brand-youtube",
        ("youtube.com", "youtu.be"),
        "https://www.youtube.com/@{}",
        "@olivia",
    ),
    Network("x", "X", "brand-x", ("x.com", "twitter.com"), "https://x.com/{}", "@olivia"),
    Network(
        "facebook",
        "Facebook",
        "brand-facebook",
        ("facebook.com", "fb.com"),
        "https://www.facebook.com/{}",
        "olivia",
    ),
    Network(
        "linkedin",
        "LinkedIn",
        "brand-linkedin",
        ("linkedin.com",),
        "https://www.linkedin.com/in/{}/",
        "olivia",
    ),
    Network(
        "pinterest",
        "Pinterest",
        "brand-pinterest",
        ("pinterest.com", "pin.it"),
        "https://www.pinterest.com/{}/",
        "olivia",
    ),
    Network("telegram", "Telegram", "brand-telegram", ("t.me",), "https://t.me/{}", "@olivia"),
    Network("whatsapp", "WhatsApp", "brand-whatsapp", ("wa.me",), "", _("+44 7700 900123")),
    Network("email", _("Email"), "mail", example=_("you@example.com")),
    Network("website", _("Website"), "world", example="https://example.com"),
)
BY_KEY = {network.key: network for network in NETWORKS}


@cache
def icon(name: str) -> SafeString:
    """The icon's SVG, ready to inline: hidden from screen readers, without Tabler's class
    names and empty frame, on one line."""
    svg = (ICONS / f"{name}.svg").read_text()
    svg = re.sub(r'\s*class="[^"]*"', "", svg)
    svg = svg.replace('<path stroke="none" d="M0 0h24v24H0z" fill="none" />', "")
    svg = " ".join(svg.split()).replace("> <", "><").replace(" >", ">").replace(" />", "/>")
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308 (our own files)


def _on_hosts(url: str, hosts: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == known or host.endswith(f".{known}") for known in hosts)


def clean(key: str, value: str) -> str:
    """The address to link for what the owner typed for network ``key``; ValidationError with
    a sentence for the owner otherwise."""
    network = BY_KEY[key]
    value = value.strip()
    if key == "email":
        address = value.removeprefix("mailto:")
        EmailValidator(message=_("Enter an email address, e.g. you@example.com."))(address)
        return f"mailto:{address}"
    if key == "whatsapp" and PHONE.match(value):
        digits = re.sub(r"\D", "", value)
        if not 6 <= len(digits) <= 15:
            raise ValidationError(_("Enter the phone number with its country code."))
        return f"https://wa.me/{digits}"
    handle = HANDLE.match(value)
    if handle and network.profile and ("." not in value or value.startswith("@")):
        return network.profile.format(handle.group(1))
    url = rules.check_link_url(value)
    if not url.startswith(("https://", "http://")):
        raise ValidationError(_("Enter a web address."))
    if network.hosts and not _on_hosts(url, network.hosts):
        names = {"network": network.label, "host": network.hosts[0]}
        if not network.profile:  # WhatsApp
            raise ValidationError(
                _("%(network)s addresses are on %(host)s; or type the phone number.") % names
            )
        raise ValidationError(
            _("%(network)s addresses are on %(host)s: paste one from there, or type a handle.")
            % names
        )
    return url


def shown(socials: dict[str, str]) -> list[dict[str, str]]:
    """The owner's icons in the fixed order of ``NETWORKS``, for the draft snapshot."""
    return [
        {"network": network.key, "url": socials[network.key]}
        for network in NETWORKS
        if socials.get(network.key)
    ]


def for_page(items: list[dict[str, str]]) -> list[dict[str, object]]:
    """The snapshot's icons with their name and SVG, for the site's templates."""
    return [
        {
            "url": item["url"],
            "label": BY_KEY[item["network"]].label,
            "icon": icon(BY_KEY[item["network"]].icon),
        }
        for item in items
        if item.get("network") in BY_KEY
    ]
