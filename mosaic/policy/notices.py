"""Service notices to every user, in resumable batches (P27).

Used for policy changes (P14) and for anything every user must hear, such as a change of
control. Users are taken in id order past the notice's cursor; a batch moves the cursor with a
conditional UPDATE and writes its users' ``NoticeDelivery`` rows and messages in the same
transaction, so a rerun, a retried batch or two workers at once never mail anyone twice, and a
batch that fails leaves nothing half-done. ``mosaic.mail`` sends each message and retries it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.mail.models import Delivery
from mosaic.mail.services import send
from mosaic.policy.models import Notice, NoticeDelivery, PolicyVersion


@dataclass(frozen=True)
class BatchResult:
    written: int
    more: bool


def recipients(notice: Notice) -> QuerySet[User]:
    """Every active account with an address past the notice's cursor."""
    return User.objects.filter(is_active=True, pk__gt=notice.last_user_id).exclude(email="")


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


def send_batch(*, notice: Notice, size: int | None = None) -> BatchResult:
    """Write the notice for the next ``size`` users past the cursor (none twice)."""
    size = size or settings.NOTICE_BATCH_SIZE
    with transaction.atomic():
        users = list(recipients(notice).order_by("pk")[:size])
        now = timezone.now()
        last = users[-1].pk if users else notice.last_user_id
        if not Notice.objects.filter(pk=notice.pk, last_user_id=notice.last_user_id).update(
            last_user_id=last, batch_at=now
        ):
            return BatchResult(written=0, more=True)  # another run took this batch
        had_it = set(
            NoticeDelivery.objects.filter(notice=notice, user__in=users).values_list(
                "user_id", flat=True
            )
        )
        rows = [
            NoticeDelivery(
                notice=notice,
                user=user,
                claimed_at=now,
                delivery=send(
                    "policy/email/notice",
                    to=user.email,
                    user=user,
                    context={"notice": notice},
                    # the notice's text is written once, in the default language: its frame too
                    language=settings.LANGUAGE_CODE,
                ),
            )
            for user in users
            if user.pk not in had_it
        ]
        NoticeDelivery.objects.bulk_create(rows)
        notice.last_user_id = last
        if len(users) < size:
            Notice.objects.filter(pk=notice.pk, finished_at__isnull=True).update(finished_at=now)
    return BatchResult(written=len(rows), more=len(users) == size)


def progress(notice: Notice) -> tuple[int, int]:
    """(users whose mail server took it, users still to get it)."""
    return (
        NoticeDelivery.objects.filter(notice=notice, delivery__status=Delivery.Status.SENT).count(),
        recipients(notice).count(),
    )
