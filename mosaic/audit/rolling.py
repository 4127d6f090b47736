"""Checks over tables that grow with the number of accounts, in bounded runs.

The daily audit must cost the same with ten thousand accounts or a million, yet a check that
looks at only some rows must still find a breach planted anywhere. A rolling check looks at the
next ``AUDIT_ROWS_PER_CHECK`` rows of its table by primary key, from where its last run stopped
(an ``AuditCursor``), wrapping round at the end: a table of at most that many rows is looked at
whole on every run, and any row of a larger one at least once every
``ceil(rows / AUDIT_ROWS_PER_CHECK)`` runs. Checks that can find a breach through an index
exactly (the few rows that can be late, for instance) do that instead and need no window.

Usage, in an audit check::

    with rolling.window("P31-photos", Photo) as rows:
        late = Photo.objects.filter(rows.q, exposed=True).exclude(...).count()

``rows.q`` is a ``Q`` on the primary key; the cursor moves only when the check returns normally,
so a check that crashed looks at the same rows again next time.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q

from mosaic.audit.models import AuditCursor


@dataclass(frozen=True)
class Window:
    """The primary-key ranges a run looks at: ``(low, high]``, ``high`` None for the end."""

    ranges: tuple[tuple[int, int | None], ...]
    next_position: int
    wrapped: bool

    @property
    def q(self) -> Q:
        return self.q_on("pk")

    def q_on(self, field: str) -> Q:
        """The same ranges on another field holding these keys (a foreign key to the table):
        a subquery bounded to the window, not to the whole table."""
        parts = [
            Q(**{f"{field}__gt": low})
            if high is None
            else Q(**{f"{field}__gt": low, f"{field}__lte": high})
            for low, high in self.ranges
        ]
        return reduce(operator.or_, parts)

    def sql(self, column: str) -> tuple[str, list[int]]:
        """The same as an SQL condition on ``column`` (quoted by the caller), with its
        parameters."""
        parts, params = [], []
        for low, high in self.ranges:
            if high is None:
                parts.append(f"{column} > %s")
                params.append(low)
            else:
                parts.append(f"({column} > %s AND {column} <= %s)")
                params += [low, high]
        return "(" + " OR ".join(parts) + ")", params


def plan(name: str, model: type[Model], *, rows: int | None = None) -> Window:
    """The next ``rows`` rows of ``model``'s table after the cursor ``name``, through the
    primary key's index (a bounded number of index entries, whatever the table's size)."""
    rows = rows or settings.AUDIT_ROWS_PER_CHECK
    cursor = AuditCursor.objects.filter(name=name).values_list("position", flat=True).first()
    start = cursor or 0
    table = model._default_manager.order_by("pk").values_list("pk", flat=True)
    ahead = list(table.filter(pk__gt=start)[rows - 1 : rows])
    if ahead:  # a whole window before the end
        return Window(((start, ahead[0]),), next_position=ahead[0], wrapped=False)
    left = table.filter(pk__gt=start)[:rows].count()  # fewer than ``rows``: bounded
    if start == 0:  # the whole table fits in one window
        return Window(((0, None),), next_position=0, wrapped=True)
    again = list(table.filter(pk__lte=start)[rows - left - 1 : rows - left])
    if not again:  # the rest of the table and its start cover every row: all of it
        return Window(((0, None),), next_position=0, wrapped=True)
    return Window(((start, None), (0, again[0])), next_position=again[0], wrapped=True)


def advance(name: str, window: Window) -> None:
    if _pending is not None:  # a whole audit run: written once, at its end
        _pending[name] = window
        return
    _write({name: window})


def _write(moves: dict[str, Window]) -> None:
    with transaction.atomic():
        known = {cursor.name: cursor for cursor in AuditCursor.objects.filter(name__in=moves)}
        for name, window in moves.items():
            cursor = known.get(name) or AuditCursor(name=name)
            cursor.position = window.next_position
            cursor.rounds += int(window.wrapped)
            cursor.save()


_pending: dict[str, Window] | None = None


@contextmanager
def one_write() -> Iterator[None]:
    """Within this block (an audit run), the cursors move together when it ends: one write,
    not one per check."""
    global _pending
    outer, _pending = _pending, {}
    try:
        yield
        moves = _pending
    finally:
        _pending = outer
    if outer is not None:
        outer.update(moves)
    elif moves:
        _write(moves)


@contextmanager
def window(name: str, model: type[Model], *, rows: int | None = None) -> Iterator[Window]:
    """This run's rows (``.q`` for the ORM, ``.sql()`` for raw SQL; see the module's
    docstring); moves the cursor on when the block ends without an error."""
    planned = plan(name, model, rows=rows)
    yield planned
    advance(name, planned)
