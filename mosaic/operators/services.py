from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.operators.models import AuditEntry
from mosaic.operators.roles import has_role


def record_action(
    *,
    actor: User,
    role: str,
    action: str,
    target: str,
    reason: str,
    case_reference: str = "",
) -> AuditEntry:
    """P25: check the operator holds ``role`` and write the audit entry before acting.

    Callers act only after this returns, so there is no action without its entry.
    """
    if not has_role(actor, role):
        raise PermissionDenied(f"{actor.username} does not hold the {role} role")
    if not reason.strip():
        raise ValueError("an operator action needs a stated reason")
    now = timezone.now()
    return AuditEntry.objects.create(
        at=now,
        actor=actor,
        actor_name=actor.username,
        role=role,
        action=action,
        target=target,
        case_reference=case_reference,
        reason=reason.strip(),
        delete_after=now + dt.timedelta(days=settings.AUDIT_LOG_DAYS),
    )
