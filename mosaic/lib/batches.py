"""Bounded work over large tables: a run handles at most ``batches`` x ``batch_size`` rows.

Periodic jobs and retention sweeps use these so that one run stays short whatever the size of
the table (a million sites); whatever is left goes at the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, QuerySet

BATCH_SIZE = 1000
BATCHES = 50

M = TypeVar("M", bound=Model)


def delete_in_batches(
    queryset: QuerySet[M], *, batch_size: int = BATCH_SIZE, batches: int = BATCHES
) -> int:
    """Delete the rows of ``queryset``, at most ``batches`` x ``batch_size``; return how many."""
    deleted = 0
    for _ in range(batches):
        keys = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not keys:
            break
        count, _by_model = queryset.model._default_manager.filter(pk__in=keys).delete()
        deleted += count
        if len(keys) < batch_size:
            break
    return deleted


def each_in_batches(
    queryset: QuerySet[M],
    action: Callable[[M], object],
    *,
    batch_size: int = BATCH_SIZE,
    batches: int = BATCHES,
) -> int:
    """Apply ``action`` to each row of ``queryset`` in primary-key order, at most ``batches`` x
    ``batch_size`` rows; ``action`` may delete or change the row. Returns how many it handled."""
    handled, last_pk = 0, None
    for _ in range(batches):
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page[:batch_size])
        for row in rows:
            action(row)
        handled += len(rows)
        if len(rows) < batch_size:
            break
        last_pk = rows[-1].pk
    return handled
