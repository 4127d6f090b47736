"""Retention sweeps: each rule deletes or anonymises what a promise says must go, on time.

Rules are registered by the app that owns the data (in its ``privacy.py``). Each one is
idempotent, works in bounded batches, and can report what it would do without doing it.
``manage.py privacy_sweep`` runs them all; the scheduler runs that daily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet

from mosaic.lib.batches import delete_in_batches, each_in_batches

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Sweep:
    name: str
    promise: str
    help: str
    run: Callable[[dt.datetime, bool], int]  # (now, dry_run) -> rows affected (or that would be)


_sweeps: dict[str, Sweep] = {}


def sweep(
    *, name: str, promise: str, help: str
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    def decorator(function: Callable[[dt.datetime, bool], int]) -> Callable[..., int]:
        if name in _sweeps:
            raise ValueError(f"sweep {name!r} is registered twice")
        _sweeps[name] = Sweep(name=name, promise=promise, help=help, run=function)
        return function

    return decorator


def sweeps() -> list[Sweep]:
    return list(_sweeps.values())


def delete_due(queryset: QuerySet[M], *, dry_run: bool) -> int:
    """Count the rows (dry run) or delete them, in bounded batches."""
    return queryset.count() if dry_run else delete_in_batches(queryset)


def apply_to_due(queryset: QuerySet[M], action: Callable[[M], object], *, dry_run: bool) -> int:
    """Count the rows (dry run) or hand each to ``action`` (which removes it), bounded."""
    return queryset.count() if dry_run else each_in_batches(queryset, action)
