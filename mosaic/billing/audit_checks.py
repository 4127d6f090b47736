"""Self-audit lines for billing (P09)."""

from __future__ import annotations

import datetime as dt

from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.billing.models import Invoice


@audit_check("P09")
def invoices_outlive_accounts_only_detached_and_on_time(now: dt.datetime) -> list[str]:
    """P09: an invoice of an ended account is detached and deleted after its period."""
    problems = []
    overdue = Invoice.objects.filter(keep_until__lt=now - SWEEP_GRACE).count()
    if overdue:
        problems.append(f"{overdue} invoices kept past their retention period")
    attached = Invoice.objects.filter(keep_until__isnull=False, user__isnull=False).count()
    if attached:
        problems.append(f"{attached} invoices of ended accounts still linked to a person")
    return problems
