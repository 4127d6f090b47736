""" "Your data" in the person's own terms: for each category, how many records Mosaic holds and
the first few of them as they are stored, with where to correct or delete them (P20)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
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
    records: list[list[tuple[str, str]]]
    place: str
    place_label: Promise


def summarise(user: User, category: Category) -> Summary:
    data = category.export(user)
    items: list[Any] = data if isinstance(data, list) else [data] if data else []
    url_name, label = PLACES.get(
        category.key, ("panel:request_correction", _("Ask us to correct or delete it"))
    )
    return Summary(
        category=category,
        count=len(items),
        records=[_fields(item) for item in items[:SHOWN]],
        place=reverse(url_name),
        place_label=label,
    )


def _fields(item: Any) -> list[tuple[str, str]]:
    """A record as (field, value) pairs a person can read: empty fields left out, lists
    counted, long text shortened."""
    if not isinstance(item, dict):
        return [("", _short(item))]
    fields = []
    for key, value in item.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list | dict):
            shown = _short(", ".join(map(str, value))) if _flat(value) else str(len(value))
        else:
            shown = _short(value)
        fields.append((key.replace("_", " "), shown))
    return fields


def _flat(value: list[Any] | dict[str, Any]) -> bool:
    return isinstance(value, list) and all(not isinstance(v, list | dict) for v in value)


def _short(value: Any) -> str:
    if isinstance(value, str) and _ISO_TIME.match(value):  # dates as a person writes them
        value = formats.date_format(
            timezone.localtime(dt.datetime.fromisoformat(value)), "DATETIME_FORMAT"
        )
    text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
