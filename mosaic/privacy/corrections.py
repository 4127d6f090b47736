"""Correction requests (P20, P33): what a user cannot correct themselves, answered in time.

1. The user files a request from "Your data"; its deadline is fixed then
   (``PRIVACY_CORRECTION_DAYS`` ahead).
2. Support operators see open requests by deadline; a daily job reminds them of those due
   within ``PRIVACY_CORRECTION_REMINDER_DAYS`` or overdue, at most once a day per request.
3. Resolving (corrected or declined, with an answer) is audited (P25) and emailed to the user.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.privacy.models import CorrectionRequest
from mosaic.staff.roles import SUPPORT
from mosaic.staff.services import record_action

#: At most this many requests are reminded of per run; the next run takes the rest.
REMINDER_BATCH = 500


def file_correction_request(
    *, user: User, what: str, correction: str, now: dt.datetime | None = None
) -> CorrectionRequest:
    now = now or timezone.now()
    return CorrectionRequest.objects.create(
        user=user,
        what=what.strip(),
        correction=correction.strip(),
        created_at=now,
        deadline=now + dt.timedelta(days=settings.PRIVACY_CORRECTION_DAYS),
    )


def resolve_correction_request(
    *, operator: User, correction_request: CorrectionRequest, status: str, resolution: str
) -> bool:
    """Close an open request with an answer for the user; False if it was already closed."""
    from mosaic.privacy.emails import send_correction_answer

    if status not in (CorrectionRequest.Status.CORRECTED, CorrectionRequest.Status.DECLINED):
        raise ValueError(f"a request is closed as corrected or declined, not {status!r}")
    now = timezone.now()
    with transaction.atomic():
        record_action(
            actor=operator,
            role=SUPPORT,
            action=f"resolve correction request: {status}",
            target=f"correction-request:{correction_request.pk}",
            reason=resolution,
            subject=correction_request.user,
        )
        closed = (
            CorrectionRequest.objects.open()
            .filter(pk=correction_request.pk)
            .update(
                status=status, resolved_at=now, resolved_by=operator, resolution=resolution.strip()
            )
        )
        if not closed:
            transaction.set_rollback(True)
            return False
        send_correction_answer(request_id=correction_request.pk)
    return True


def claim_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """P33: the open requests due soon or overdue that nobody was reminded of today, claimed
    by a conditional update so two overlapping runs never remind twice."""
    now = now or timezone.now()
    today = now.date()
    soon = now + dt.timedelta(days=settings.PRIVACY_CORRECTION_REMINDER_DAYS)
    due = (
        CorrectionRequest.objects.open()
        .filter(deadline__lte=soon)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .order_by("deadline")
        .values_list("pk", "reminded_on")[:REMINDER_BATCH]
    )
    claimed = []
    for pk, reminded_on in due:
        if CorrectionRequest.objects.filter(pk=pk, reminded_on=reminded_on).update(
            reminded_on=today
        ):
            claimed.append(pk)
    return claimed
