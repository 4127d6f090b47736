"""Work over large tables in batches sized by the work, bounded by time.

Periodic jobs and retention sweeps take batches until nothing is left or their time is up;
whatever is left goes at the next run, which the caller can bring forward (``time_budget``
says whether the time ran out). So a run deletes as much as accumulated, however much that is,
and still stays short: retention keeps pace with ingest (P12, P30) without a fixed cap.
"""

from __future__ import annotations

import contextvars
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet

BATCH_SIZE = 1000
#: A batch that may grow (``max_batch_size``) doubles while one takes less than this.
GROW_BELOW_SECONDS = 0.25
#: Without a ``time_budget`` around it, one helper call stops taking batches after this long.
DEFAULT_SECONDS = 60.0

M = TypeVar("M", bound=Model)


@dataclass
class Budget:
    deadline: float
    #: Set when a helper stopped with work left because the time was up.
    exhausted: bool = False

    def over(self) -> bool:
        if time.monotonic() >= self.deadline:
            self.exhausted = True
            return True
        return False


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[Budget]:
    """Every batch helper called inside stops taking new batches after ``seconds`` in all."""
    budget = Budget(deadline=time.monotonic() + seconds)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def _count(batches: int | None) -> Iterator[int]:
    return iter(range(batches)) if batches is not None else itertools.count()


def _current() -> Budget:
    return _budget.get() or Budget(deadline=time.monotonic() + DEFAULT_SECONDS)


def delete_in_batches(
    queryset: QuerySet[M],
    *,
    batch_size: int = BATCH_SIZE,
    batches: int | None = None,
    max_batch_size: int | None = None,
) -> int:
    """Delete every row of ``queryset``, ``batch_size`` at a time, until none is left, the
    time is up or (if given) ``batches`` were taken; returns how many. Rows are picked by the
    query's own filter (no ordering), so an index on the filtered column serves each batch.

    With ``max_batch_size`` the batch is sized by the work: it doubles, up to that, while a
    batch takes under ``GROW_BELOW_SECONDS``, so cheap rows (raw statistics events) go tens of
    thousands per statement and short transaction, while costly ones stay small."""
    budget = _current()
    model = queryset.model
    deleted, size = 0, batch_size
    for _ in _count(batches):
        started = time.monotonic()
        # One statement: DELETE ... WHERE pk IN (SELECT pk ... LIMIT size), no keys in Python.
        batch = queryset.order_by().values("pk")[:size]
        count, by_model = model._base_manager.filter(pk__in=batch).delete()
        deleted += count
        if by_model.get(model._meta.label, 0) < size or budget.over():
            break
        if max_batch_size and time.monotonic() - started < GROW_BELOW_SECONDS:
            size = min(size * 2, max_batch_size)
    return deleted


def each_in_batches(
    queryset: QuerySet[M],
    action: Callable[[M], object],
    *,
    batch_size: int = BATCH_SIZE,
    batches: int | None = None,
) -> int:
    """Apply ``action`` to each row of ``queryset`` in primary-key order until none is left or
    the time is up; ``action`` may delete or change the row. Returns how many it handled."""
    return rows_in_batches(
        queryset, lambda rows: [action(row) for row in rows], batch_size=batch_size, batches=batches
    )


def rows_in_batches(
    queryset: QuerySet[M],
    action: Callable[[list[M]], object],
    *,
    batch_size: int = BATCH_SIZE,
    batches: int | None = None,
) -> int:
    """Hand ``action`` the rows of ``queryset`` a batch at a time, in primary-key order, until
    none is left, the time is up or (if given) ``batches`` were taken. Returns how many rows."""
    budget = _current()
    handled, last_pk = 0, None
    for _ in _count(batches):
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page[:batch_size])
        if rows:
            action(rows)
        handled += len(rows)
        if len(rows) < batch_size or budget.over():
            break
        last_pk = rows[-1].pk
    return handled


def claim_batch(queryset: QuerySet[M], *, size: int, **claim: object) -> list[int]:
    """Claim up to ``size`` rows of ``queryset`` (in its own ordering, which an index should
    serve) by writing ``claim`` into them, and return their primary keys.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers
    take different rows and never wait on each other (only the claimed table's rows: a filter
    through a join locks nothing else); on SQLite the write transaction already admits one
    claimer at a time. ``claim`` must take the rows out of ``queryset`` (a lease
    time moved forward, a state changed), so the next call takes the next rows.
    """
    model = queryset.model
    with transaction.atomic():
        keys = list(
            queryset.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[
                :size
            ]
        )
        if keys:
            model._base_manager.filter(pk__in=keys).update(**claim)
    return keys
