"""Self-audit: a retention rule that is failing breaches the promise it keeps (P03, P06, ...).

One check per promise that has rules, registered when the audit collects its checks (every
app's ``privacy.py`` has registered its rules by then).
"""

from __future__ import annotations

import datetime as dt

from mosaic.audit.registry import Check, audit_check
from mosaic.privacy.sweep_runs import failing
from mosaic.privacy.sweeps import sweeps


def _rules_of(promise: str) -> Check:
    def check(now: dt.datetime) -> list[str]:
        return [
            f"retention sweep {state.name} failing ({state.failures} attempts in a row,"
            f" {state.last_error}); retried with back-off"
            for state in failing(promise=promise)
        ]

    check.__name__ = f"retention_sweeps_of_{promise}_run"
    check.__doc__ = f"{promise}: every retention rule keeping it runs without failing."
    return check


for _promise in sorted({rule.promise for rule in sweeps()}):
    audit_check(_promise)(_rules_of(_promise))
