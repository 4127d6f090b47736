from __future__ import annotations

from datetime import timedelta

from mosaic.audit.services import run_audit
from mosaic.jobs.registry import periodic


@periodic(name="privacy.audit", every=timedelta(days=1))
def daily_privacy_audit() -> int:
    """The self-audit (manage.py privacy_audit); operators see it at /operators/audit/."""
    return run_audit().breached
