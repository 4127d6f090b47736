"""The operator action log (P25): every operator action and every look at personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.staff.models import AuditEntry
from mosaic.staff.roles import require_role


def record_action(
    *,
    actor: User,
    role: str,
    action: str,
    target: str,
    reason: str,
    case_reference: str = "",
    subject: User | None = None,
) -> AuditEntry:
    """P25: check the operator holds ``role`` and write the audit entry before acting.

    Call it inside the transaction of the change and act only after it returns, so there is
    no action without its entry (and a rolled-back change leaves no entry either).
    ``target`` names what was touched as ``kind:id`` (``account:12``, ``site:3``);
    ``subject`` is the account whose data it is, when there is one (the audit-log viewer
    filters on it).
    """
    require_role(actor, role)
    if not reason.strip():
        raise ValueError("an operator action needs a stated reason")
    return log_entry(
        actor=actor,
        role=role,
        action=action,
        target=target,
        reason=reason,
        case_reference=case_reference,
        subject=subject,
    )


def log_entry(
    *,
    actor: User | None,
    role: str,
    action: str,
    target: str,
    reason: str,
    case_reference: str = "",
    subject: User | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Write one entry of the action log, kept ``AUDIT_LOG_DAYS`` (P34), with no role check:
    ``record_action`` checks an operator's role first; organization admins, who are not
    operators, log their powers here too (role ``organization-admin``). ``actor`` is None
    when Mosaic itself acted."""
    now = now or timezone.now()
    return AuditEntry.objects.create(
        at=now,
        actor=actor,
        actor_name=actor.username if actor is not None else "",
        role=role,
        action=action,
        target=target,
        subject=subject,
        case_reference=case_reference.strip(),
        reason=reason.strip(),
        delete_after=now + dt.timedelta(days=settings.AUDIT_LOG_DAYS),
    )
