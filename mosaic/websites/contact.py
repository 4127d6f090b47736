"""The contact card (issue #20): a "Save contact" button on the home page that downloads a
vCard (``contact.vcf``, written with vobject) of the fields the owner chose to publish: a
name, a phone number, an email address, a website, and always the site's own address.

The card is a file of the build like any page, so it is served, hidden and taken offline by
the same rules as the site (P31); it exists only while the owner publishes at least one field.
"""

from __future__ import annotations

import re
from typing import Any

import vobject
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mosaic.websites import rules

NAME = "contact.vcf"
FIELDS = ("name", "phone", "email", "website")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,30}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(value: str) -> str:
    if CONTROL.search(value):
        raise ValidationError(_("A name cannot contain control characters."))
    return " ".join(value.split())


def clean_phone(value: str) -> str:
    value = " ".join(value.split())
    if not PHONE.match(value) or not 5 <= len(re.sub(r"\D", "", value)) <= 15:
        raise ValidationError(_("Enter a phone number, e.g. +44 7700 900123."))
    return value


def clean_website(value: str) -> str:
    url = rules.check_link_url(value)
    if not url.startswith(("https://", "http://")):
        raise ValidationError(_("Enter a web address."))
    return url


def published(contact: dict[str, Any]) -> dict[str, str]:
    """The fields with a value, in a fixed order (the draft snapshot's ``contact``)."""
    return {field: str(contact[field]) for field in FIELDS if contact.get(field)}


def vcard(contact: dict[str, str], *, title: str, address: str) -> bytes:
    """The card: the owner's name (the site's title if they gave none) and chosen fields."""
    card = vobject.vCard()
    name = contact.get("name") or title
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(given=name)
    if contact.get("phone"):
        phone = card.add("tel")
        phone.value = contact["phone"]
        phone.type_param = "CELL"
    if contact.get("email"):
        email = card.add("email")
        email.value = contact["email"]
        email.type_param = "INTERNET"
    for url in (contact.get("website"), address):
        if url:
            card.add("url").value = url
    return card.serialize().encode()
