"""The self-audit's registry of checks: one or more per promise that live data can prove.

A check is a function of the current time that returns a list of breaches, each a short text
with counts only (never personal data: the results are stored and shown to operators). Apps
declare theirs in an ``audit_checks.py`` module, found at start-up::

    @audit_check("P06")
    def no_inactive_site_past_its_deadline(now: dt.datetime) -> list[str]:
        late = Site.objects.filter(delete_after__lt=now - SWEEP_GRACE).count()
        return [f"{late} sites past their deletion date"] if late else []
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

Check = Callable[[dt.datetime], list[str]]

#: Sweeps run daily, so data may outlive its date by up to a day (plus a worker's delay); the
#: audit calls it a breach only past this grace.
SWEEP_GRACE = dt.timedelta(days=2)

_PROMISE = re.compile(r"^P\d{2}$")


@dataclass(frozen=True)
class AuditCheck:
    promise: str
    name: str
    run: Check


_checks: list[AuditCheck] = []


def audit_check(promise: str) -> Callable[[Check], Check]:
    if not _PROMISE.match(promise):
        raise ValueError(f"audit checks name a promise id such as P08, not {promise!r}")

    def register(function: Check) -> Check:
        name = f"{function.__module__}.{function.__name__}"
        if any(check.name == name for check in _checks):
            raise ValueError(f"audit check {name} is registered twice")
        _checks.append(AuditCheck(promise=promise, name=name, run=function))
        return function

    return register


def checks() -> list[AuditCheck]:
    return sorted(_checks, key=lambda check: (check.promise, check.name))
