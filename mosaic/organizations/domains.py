"""Which domains an organization may claim, and the DNS check that proves it holds one.

Refused: anything that is not a host name, a public suffix (``co.uk``, ``github.io``: the
Public Suffix List bundled with the ``publicsuffixlist`` package, read offline, never fetched),
and the webmail providers below, whose addresses belong to their users, not to the provider.
"""

from __future__ import annotations

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from publicsuffixlist import PublicSuffixList

from mosaic.lib import dns
from mosaic.organizations.models import TOKEN_PREFIX, VERIFY_PREFIX

#: Addresses at these domains are personal accounts of a mail provider's customers: no
#: organization may claim them (a stated list; the PSL does not name mail providers).
WEBMAIL_DOMAINS = frozenset(
    [
        "126.com",
        "163.com",
        "aol.com",
        "bk.ru",
        "fastmail.com",
        "free.fr",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hey.com",
        "hotmail.com",
        "icloud.com",
        "inbox.ru",
        "libero.it",
        "list.ru",
        "live.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "naver.com",
        "o2.pl",
        "orange.fr",
        "outlook.com",
        "pm.me",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "rambler.ru",
        "seznam.cz",
        "t-online.de",
        "tuta.io",
        "tutanota.com",
        "ukr.net",
        "web.de",
        "wp.pl",
        "ya.ru",
        "yahoo.com",
        "yandex.com",
        "yandex.ru",
        "ymail.com",
        "zoho.com",
    ]
)

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list shipped inside the package: no network


def normalize(value: str) -> str:
    """``" Example.ORG. "`` -> ``"example.org"``; IDNs in their ASCII (punycode) form."""
    name = value.strip().rstrip(".").lower()
    if name.startswith("@"):
        name = name[1:]
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError(_("“%(name)s” is not a domain name.") % {"name": value}) from exc


def check_claimable(value: str) -> str:
    """The normalized domain, or ``ValidationError`` saying why it cannot be claimed."""
    name = normalize(value)
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(_("“%(name)s” is not a domain name.") % {"name": value})
    if _psl().is_public(name) or _psl().privatesuffix(name) is None:
        raise ValidationError(
            _(
                "“%(name)s” is a public suffix: names under it belong to many different "
                "owners, so no organization can claim it."
            )
            % {"name": name}
        )
    if name in WEBMAIL_DOMAINS or _psl().privatesuffix(name) in WEBMAIL_DOMAINS:
        raise ValidationError(
            _(
                "“%(name)s” is a webmail provider: its addresses belong to their own users, "
                "so no organization can claim it."
            )
            % {"name": name}
        )
    return name


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def record_found(name: str, token: str) -> bool:
    """True when ``_mosaic-verify.<name>`` has the TXT record ``mosaic-verify=<token>``;
    False when the DNS answered without it. ``dns.LookupFailed`` when no answer came."""
    try:
        records = dns.txt_records(f"{VERIFY_PREFIX}.{name}")
    except dns.NoRecord:
        return False
    return any(record.strip() == f"{TOKEN_PREFIX}{token}" for record in records)
