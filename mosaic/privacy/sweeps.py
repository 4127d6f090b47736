"""Retention sweeps: each rule deletes or anonymises what a promise says must go, on time.

Rules are registered by the app that owns the data (in its ``privacy.py``). Each one is
idempotent, works in bounded batches, and can report what it would do without doing it.
``manage.py privacy_sweep`` runs them all; the scheduler runs that daily.

P10: nothing of an account under a legal hold, or blocked less than ``PRIVACY_BLOCK_KEEP_DAYS``
ago, is swept. ``delete_due`` and ``apply_to_due`` apply that themselves through ``not_held``:
they find the field that leads to the account (the model's one foreign key to the user), or the
caller names it with ``user_field`` ("site__owner"), or says ``user_field=None`` for rows that
belong to no account. A model with no such field and no word from the caller is refused, so a
new sweep cannot forget the holds. Sweeps that walk rows themselves filter through
``not_held`` too; a test plants held data for every registered sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.lib.batches import delete_in_batches, each_in_batches, rows_in_batches

M = TypeVar("M", bound=Model)


class _Infer:
    def __repr__(self) -> str:
        return "the model's foreign key to the user"


INFER: Final = _Infer()


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


Keeper = Callable[[dt.datetime], QuerySet[Any]]
_keepers: list[Keeper] = []


def keeps_accounts(keeper: Keeper) -> Keeper:
    """P10: register another reason to keep an account whole (an app's ``privacy.py``, e.g. a
    site blocked less than a year ago): ``keeper(now)`` is a subquery of account ids."""
    _keepers.append(keeper)
    return keeper


def held_user_ids(now: dt.datetime | None = None) -> tuple[QuerySet[Any], ...]:
    """P10: subqueries of the accounts whose data no sweep may touch at ``now``: those under a
    legal hold not yet lifted, those blocked less than the keeping period ago, and those any
    registered keeper names (``keeps_accounts``)."""
    from mosaic.privacy.models import AccountBlock, LegalHold

    now = now or timezone.now()
    held = LegalHold.objects.filter(lifted_at__isnull=True, user__isnull=False).values("user_id")
    blocked = AccountBlock.objects.filter(keep_until__gt=now).values("user_id")
    return (held, blocked, *(keeper(now) for keeper in _keepers))


def released_since(since: dt.datetime, now: dt.datetime) -> QuerySet[Model]:
    """P10: a subquery of the accounts whose legal hold was lifted, or whose block's keeping
    period ended, between ``since`` and ``now``: their data is the sweeps' again."""
    from mosaic.privacy.models import AccountBlock, LegalHold

    lifted = LegalHold.objects.filter(lifted_at__gte=since, user__isnull=False)
    ended = AccountBlock.objects.filter(keep_until__gte=since, keep_until__lte=now)
    return User.objects.filter(  # type: ignore[return-value]
        Q(pk__in=lifted.values("user_id")) | Q(pk__in=ended.values("user_id"))
    ).values("pk")


def not_held(
    queryset: QuerySet[M], *, user_field: str = "user", now: dt.datetime | None = None
) -> QuerySet[M]:
    """P10: ``queryset`` without the rows of held or recently blocked accounts.

    ``user_field`` is the lookup path from the rows to the account ("user", "site__owner", or
    "pk" for the accounts themselves).
    """
    lookup = f"{user_field}__in"
    for accounts in held_user_ids(now):
        queryset = queryset.exclude(**{lookup: accounts})
    return queryset


def user_field_of(model: type[Model]) -> str | None:
    """The one field of ``model`` that points at the account, if there is exactly one."""
    if issubclass(model, User):
        return "pk"
    pointers = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]
    return pointers[0] if len(pointers) == 1 else None


def _unheld(
    queryset: QuerySet[M], user_field: str | _Infer | None, now: dt.datetime | None
) -> QuerySet[M]:
    if user_field is None:
        return queryset  # the caller says these rows belong to no account
    if isinstance(user_field, _Infer):
        found = user_field_of(queryset.model)
        if found is None:
            raise ImproperlyConfigured(
                f"sweeping {queryset.model._meta.label}: pass user_field= the path to the"
                " account whose legal holds keep these rows (P10), or user_field=None if the"
                " rows belong to no account"
            )
        user_field = found
    return not_held(queryset, user_field=user_field, now=now)


def delete_due(
    queryset: QuerySet[M],
    *,
    dry_run: bool,
    user_field: str | _Infer | None = INFER,
    now: dt.datetime | None = None,
    max_batch_size: int | None = None,
) -> int:
    """Count the rows (dry run) or delete them in batches until none is left or the run's
    time is up (``mosaic.lib.batches``; ``max_batch_size``: batches grow up to it while they
    are quick), skipping held ones (P10)."""
    queryset = _unheld(queryset, user_field, now)
    if dry_run:
        return queryset.count()
    return delete_in_batches(queryset, max_batch_size=max_batch_size)


def apply_to_due(
    queryset: QuerySet[M],
    action: Callable[[M], object],
    *,
    dry_run: bool,
    user_field: str | _Infer | None = INFER,
    now: dt.datetime | None = None,
) -> int:
    """Count the rows (dry run) or hand each to ``action`` (which removes it), bounded, skipping
    held ones (P10)."""
    queryset = _unheld(queryset, user_field, now)
    return queryset.count() if dry_run else each_in_batches(queryset, action)


def apply_to_due_batches(
    queryset: QuerySet[M],
    action: Callable[[list[M]], object],
    *,
    dry_run: bool,
    batch_size: int,
    user_field: str | _Infer | None = INFER,
    now: dt.datetime | None = None,
) -> int:
    """Like ``apply_to_due``, handing ``action`` a list of up to ``batch_size`` rows at a time,
    so it can act on the whole batch with a few queries."""
    queryset = _unheld(queryset, user_field, now)
    if dry_run:
        return queryset.count()
    return rows_in_batches(queryset, action, batch_size=batch_size)
