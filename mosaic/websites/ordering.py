"""Rows kept in an owner's order by a ``position`` column (link buttons, collections and the
posts of one): moving one a place up or down, and numbering them 0..n-1 again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction


def renumber(rows: Sequence[Any]) -> None:
    """Give ``rows`` the positions 0..n-1 in their order, writing only those that change."""
    with transaction.atomic():
        for position, row in enumerate(rows):
            if row.position != position:
                type(row)._default_manager.filter(pk=row.pk).update(position=position)


def move(rows: list[Any], index: int, *, up: bool) -> None:
    """Swap ``rows[index]`` with its neighbour above or below (none past either end), then
    renumber them all."""
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    renumber(rows)
