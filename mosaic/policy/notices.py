"""Service notices to every user, in resumable batches (P27).

Used for policy changes (P14) and for anything every user must hear, such as a change of
control. A delivery row is claimed (unique per notice and user) before the message goes out,
so a rerun, a retried batch or two workers at once never mail anyone twice. A send that fails
gives its claim back, and the batch is retried with back-off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.consent.mailing import service_message
from mosaic.policy.models import Notice, NoticeDelivery, PolicyVersion


@dataclass(frozen=True)
class BatchResult:
    sent: int
    failed: int
    more: bool


def recipients(notice: Notice) -> QuerySet[User]:
    """Every active account with an address that has not had this notice yet."""
    done = NoticeDelivery.objects.filter(notice=notice).values("user_id")
    return User.objects.filter(is_active=True).exclude(email="").exclude(pk__in=done)


def create_notice(
    *, subject: str, body: str, policy_version: PolicyVersion | None = None
) -> tuple[Notice, bool]:
    """Queue ``subject``/``body`` for every user. The same text again resumes that notice."""
    from mosaic.policy.tasks import send_notice_batch

    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValueError("a notice needs a subject and a body")
    digest = hashlib.sha256(f"{subject}\0{body}".encode()).hexdigest()
    notice, created = Notice.objects.get_or_create(
        digest=digest,
        defaults={"subject": subject[:200], "body": body, "policy_version": policy_version},
    )
    transaction.on_commit(lambda: send_notice_batch.enqueue(notice_id=notice.pk))
    return notice, created


def _claim(notice: Notice, user: User, now: dt.datetime) -> NoticeDelivery | None:
    try:
        with transaction.atomic():
            return NoticeDelivery.objects.create(notice=notice, user=user, claimed_at=now)
    except IntegrityError:
        return None  # someone else has this user


def send_batch(*, notice: Notice, size: int | None = None) -> BatchResult:
    """Send the notice to the next ``size`` users who have not had it."""
    size = size or settings.NOTICE_BATCH_SIZE
    users = list(recipients(notice).order_by("pk")[:size])
    sent = failed = 0
    with get_connection() as connection:
        for user in users:
            now = timezone.now()
            delivery = _claim(notice, user, now)
            if delivery is None:
                continue
            message = service_message(to=user.email, subject=notice.subject, body=notice.body)
            message.connection = connection
            try:
                message.send()
            except (smtplib.SMTPException, OSError):
                delivery.delete()  # give the claim back: the retry sends it
                failed += 1
                continue
            NoticeDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
            sent += 1
    more = len(users) == size or failed > 0
    if not more:
        Notice.objects.filter(pk=notice.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
    return BatchResult(sent=sent, failed=failed, more=more)


def progress(notice: Notice) -> tuple[int, int]:
    """(users who have it, users still to get it)."""
    return (
        NoticeDelivery.objects.filter(notice=notice, sent_at__isnull=False).count(),
        recipients(notice).count(),
    )
