"""Running the retention rules: each on its own, a failing one retried with back-off, visibly.

1. ``run_sweeps`` (the ``privacy.sweep`` job, every 10 minutes) runs each rule that is due:
   daily, or again within ``SOON`` when its time budget ran out with work left, so a rule's work
   per day is sized by what accumulated, not capped.
2. A rule is claimed by moving its ``SweepState.next_run_at`` forward with a conditional UPDATE;
   then it runs with a time budget (``mosaic.lib.batches``), committing batch by batch.
3. A rule that raises is recorded (exception name only, no data), retried after ``RETRY``
   (5 min, 30 min, 2 h, 6 h, then every 12 h) and the next rule runs. Its failure shows on the
   operators' audit screen and in ``manage.py privacy_audit`` under the rule's promise until it
   succeeds. Nothing it left undone is lost: every rule is idempotent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from mosaic.lib.batches import time_budget
from mosaic.privacy.models import SweepState
from mosaic.privacy.sweeps import Sweep, sweeps

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(days=1)
SOON = dt.timedelta(minutes=10)
RETRY = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
)
#: A run holds its claim on a rule this long; a run that died is taken over after it.
CLAIM = dt.timedelta(hours=1)
#: One rule takes new batches for this long per run at most; then it runs again ``SOON``.
RULE_SECONDS = 300.0


@dataclass(frozen=True)
class Outcome:
    rule: Sweep
    rows: int = 0
    error: str = ""
    skipped: bool = False  # not due, or another run has it


def run_sweeps(*, now: dt.datetime | None = None, due_only: bool = True) -> list[Outcome]:
    """Run every rule (``due_only``: those due), each isolated from the others."""
    now = now or timezone.now()
    rules = sweeps()
    names = [rule.name for rule in rules]
    known = set(SweepState.objects.filter(name__in=names).values_list("name", flat=True))
    SweepState.objects.bulk_create(
        [SweepState(name=name, next_run_at=now) for name in names if name not in known],
        ignore_conflicts=True,
    )
    states = {state.name: state for state in SweepState.objects.filter(name__in=names)}
    return [_run(rule, states[rule.name], now=now, due_only=due_only) for rule in rules]


def _run(rule: Sweep, state: SweepState, *, now: dt.datetime, due_only: bool) -> Outcome:
    if due_only and state.next_run_at > now:
        return Outcome(rule, skipped=True)
    claimed = SweepState.objects.filter(name=rule.name, next_run_at=state.next_run_at).update(
        next_run_at=now + CLAIM, last_started_at=timezone.now()
    )
    if not claimed:
        return Outcome(rule, skipped=True)
    try:
        # Outside a transaction every batch commits as it goes; inside one (a caller's, a
        # test's) a savepoint keeps a failing rule from spoiling the rest.
        isolated = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
        with time_budget(RULE_SECONDS) as budget, isolated:
            rows = rule.run(now, False)
    except Exception as error:
        failures = state.failures + 1
        retry = RETRY[min(failures, len(RETRY)) - 1]
        SweepState.objects.filter(name=rule.name).update(
            failures=F("failures") + 1,
            last_failed_at=timezone.now(),
            last_error=type(error).__name__,
            next_run_at=timezone.now() + retry,
        )
        # The name only: an exception's text can quote personal data (P01).
        logger.error(
            "sweep %s (%s) failed with %s; retrying in %s",
            rule.name,
            rule.promise,
            type(error).__name__,
            retry,
        )
        return Outcome(rule, error=type(error).__name__)
    SweepState.objects.filter(name=rule.name).update(
        failures=0,
        last_error="",
        last_succeeded_at=timezone.now(),
        last_rows=rows,
        next_run_at=now + (SOON if budget.exhausted else EVERY),
    )
    return Outcome(rule, rows=rows)


def failing(*, promise: str | None = None) -> list[SweepState]:
    """The rules failing now (their last run raised), optionally of one promise."""
    rules = {rule.name: rule for rule in sweeps() if promise in (None, rule.promise)}
    return list(SweepState.objects.filter(name__in=rules, failures__gt=0).order_by("name"))
