"""Mailings to newsletter subscribers and opted-in users, in claimed batches (P17, P29)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Subquery
from django.utils import timezone
from django_tasks import task

from mosaic.accounts.models import User
from mosaic.consent.mailing import unsubscribe_token, unsubscribe_url
from mosaic.consent.models import Consent, NewsletterIssue, NewsletterSubscriber, Suppression
from mosaic.mail.services import PROMOTIONAL, send


def _promotional_users() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        consents__purpose=Consent.Purpose.PROMOTIONAL_EMAIL,
        consents__withdrawn_at__isnull=True,
    ).exclude(email="")


def _send_issue(issue: NewsletterIssue, *, to: str, token: str, user: User | None = None) -> None:
    """P29: one promotional message, with one-click unsubscribe (``mosaic.mail`` adds the
    headers; the template shows the link too)."""
    send(
        "consent/email/newsletter",
        to=to,
        user=user,
        kind=PROMOTIONAL,
        unsubscribe_url=unsubscribe_url(token),
        context={"subject": issue.subject, "body": issue.body},
        language=settings.LANGUAGE_CODE,  # an issue is written once, in the default language
    )


@task()
def send_newsletter_batch(*, issue_id: int) -> None:
    """Write one mailing's messages for the next batch of recipients, then queue the next batch.

    Each recipient is claimed by moving the issue's cursor past them with a conditional UPDATE,
    in the same transaction as their message, so two workers or a rerun never mail anyone twice
    and a crash loses no one. Whether someone wants it is checked here, when it is written; an
    unsubscribe before it goes out cancels it (``mosaic.mail.services.cancel``).
    """
    issue = NewsletterIssue.objects.filter(pk=issue_id, finished_at__isnull=True).first()
    if issue is None:
        return
    size = settings.NOTICE_BATCH_SIZE
    suppressed = Subquery(Suppression.objects.values("email_hash"))
    subscribers = list(
        NewsletterSubscriber.objects.filter(
            confirmed_at__isnull=False, pk__gt=issue.last_subscriber_id
        )
        .exclude(email_hash__in=suppressed)
        .order_by("pk")[:size]
    )
    cursor = issue.last_subscriber_id
    for subscriber in subscribers:
        with transaction.atomic():
            if not NewsletterIssue.objects.filter(pk=issue_id, last_subscriber_id=cursor).update(
                last_subscriber_id=subscriber.pk
            ):
                return  # another run moved the cursor: it carries on from there
            token = unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)
            _send_issue(issue, to=subscriber.email, token=token)
        cursor = subscriber.pk
    users = list(
        _promotional_users()
        .filter(pk__gt=issue.last_user_id)
        .order_by("pk")[: max(size - len(subscribers), 0)]
    )
    cursor = issue.last_user_id
    for user in users:
        with transaction.atomic():
            if not NewsletterIssue.objects.filter(pk=issue_id, last_user_id=cursor).update(
                last_user_id=user.pk
            ):
                return
            token = unsubscribe_token(purpose="promotional_email", user_id=user.pk)
            _send_issue(issue, to=user.email, token=token, user=user)
        cursor = user.pk
    if len(subscribers) + len(users) < size:
        NewsletterIssue.objects.filter(pk=issue_id).update(finished_at=timezone.now())
    else:
        send_newsletter_batch.enqueue(issue_id=issue_id)
