""" "Your data" in the person's own terms: for each category, how many records Mosaic holds and
the first few of them in words (``data_labels``), with where to correct or delete them (P20).
The download holds every record exactly as exported; this page only reads it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.panel.data_labels import HIDDEN, NAMED_BY, field_label, value_label
from mosaic.privacy.registry import Category

SHOWN = 3  # records shown per category; the export has every one
LONGEST = 120  # characters of one value
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")

#: Where each category's data is corrected or deleted; the correction request otherwise.
PLACES: dict[str, tuple[str, Promise]] = {
    "account": ("panel:edit_profile", _("Change your username or display name")),
    "profile": ("profiles:edit", _("Change or remove your display name and avatar")),
    "security": ("usersessions_list", _("See and end your sessions")),
    "photos": ("websites:list", _("Delete photos from your sites")),
    "posts": ("websites:list", _("Delete posts from your sites")),
    "websites": ("websites:list", _("Edit or delete your sites")),
    "instagram": ("instagram:panel", _("Disconnect Instagram")),
    "statistics": ("stats_panel:overview", _("See your statistics")),
    "newsletter": ("consent:newsletter", _("Change your newsletter subscription")),
}


@dataclass(frozen=True)
class Summary:
    category: Category
    count: int
    #: The first few records, each as (label, value) pairs; an empty one holds only fields
    #: the page leaves out, and the template says they are in the download.
    records: list[list[tuple[str, str]]]
    place: str
    place_label: Promise


def summarise(user: User, category: Category) -> Summary:
    data = category.export(user)
    # A category exported as one object (the comments, billing, organization...) holds
    # nothing when every field of it is empty: "1 record" over an empty box would say
    # otherwise.
    items = [item for item in (data if isinstance(data, list) else [data]) if _holds(item)]
    url_name, label = PLACES.get(
        category.key, ("panel:request_correction", _("Ask us to correct or delete it"))
    )
    return Summary(
        category=category,
        count=len(items),
        records=[_fields(category.key, item) for item in items[:SHOWN]],
        place=reverse(url_name),
        place_label=label,
    )


def _holds(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds(item) for item in value.values())
    return value not in (None, "", [])  # False and 0 are data


def _fields(category: str, item: Any) -> list[tuple[str, str]]:
    if not isinstance(item, dict):
        return [("", _short(item))]
    return list(_readable(category, item, ()))


def _readable(
    category: str, record: dict[str, Any], within: tuple[str, ...]
) -> Iterator[tuple[str, str]]:
    """A record as (label, value) pairs a person can read: empty and internal fields left
    out, stored codes in words, a nested object's own fields named after it ("Connection ·
    Username"), lists of objects named one by one (``NAMED_BY``) or counted, long text
    shortened."""
    for key, value in record.items():
        if key in HIDDEN or not _holds(value):
            continue
        name = (*within, field_label(key))
        if isinstance(value, dict):
            yield from _readable(category, value, name)
        elif isinstance(value, list):
            if key in NAMED_BY:
                value = [_name_of(category, NAMED_BY[key], item) for item in value]
            flat = all(not isinstance(item, list | dict) for item in value)
            shown = _short(", ".join(map(_text, value))) if flat else str(len(value))
            yield " · ".join(name), shown
        else:
            yield " · ".join(name), _short(value_label(category, key, value))


def _name_of(category: str, key: str, item: Any) -> Any:
    if isinstance(item, dict) and _holds(item.get(key)):
        return value_label(category, key, item[key])
    return item  # nothing to name it by: the list is counted instead


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str) and _ISO_TIME.match(value):  # dates as a person writes them
        moment = timezone.localtime(dt.datetime.fromisoformat(value))
        return formats.date_format(moment, "DATETIME_FORMAT")
    return str(value)


def _short(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
