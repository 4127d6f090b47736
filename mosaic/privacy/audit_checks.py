"""Self-audit: a retention rule that is failing breaches the promise it keeps (P03, P06, ...).

One check per promise that has rules, registered when the audit collects its checks (every
app's ``privacy.py`` has registered its rules by then).
"""

from __future__ import annotations

import datetime as dt

from mosaic.audit.registry import SWEEP_GRACE, Check, audit_check
from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.privacy.models import CorrectionRequest, LegalHold
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


def _count(count: int, what: str) -> list[str]:
    return [f"{count} {what}"] if count else []


@audit_check("P10")
def every_active_hold_still_holds_something(now: dt.datetime) -> list[str]:
    """P10: an active hold keeps its account or its sealed archive: one that holds neither any
    more means held data was erased anyway."""
    empty = LegalHold.objects.filter(
        lifted_at__isnull=True, user__isnull=True, archive__isnull=True
    )
    return _count(empty.count(), "active legal holds whose data is gone")


@audit_check("P15")
def every_disclosure_has_its_request(now: dt.datetime) -> list[str]:
    """P15: every disclosure stands on a request decided to allow it; holds name their case;
    legal requests are kept only for their record period."""
    allowed = (LegalRequest.Decision.DISCLOSED, LegalRequest.Decision.PARTLY)
    unfounded = Disclosure.objects.exclude(legal_request__decision__in=allowed).count()
    unnamed = LegalHold.objects.filter(case_reference="").count()
    late = LegalRequest.objects.filter(delete_after__lt=now - SWEEP_GRACE).count()
    return (
        _count(unfounded, "disclosures without a request that allows them")
        + _count(unnamed, "legal holds without a case reference")
        + _count(late, "legal requests kept past their record period")
    )


@audit_check("P33")
def no_correction_request_past_its_deadline(now: dt.datetime) -> list[str]:
    late = CorrectionRequest.objects.open().filter(deadline__lt=now).count()
    return _count(late, "correction requests open past their deadline")
