"""Sending newsletter and promotional mail through the task queue, with retries (P17, P29)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from django_tasks.base import Task

from mosaic.accounts.models import User
from mosaic.consent.mailing import (
    promotional_message,
    retry_later,
    service_message,
    unsubscribe_token,
)
from mosaic.consent.models import Consent, NewsletterIssue, NewsletterSubscriber, Suppression

logger = logging.getLogger(__name__)


def _send(message: EmailMessage, retry: Task[..., None], *, attempt: int, **ids: object) -> None:
    """Send now, or schedule the next attempt; after the last one, log and give up."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if not retry_later(retry, attempt=attempt, **ids):
            logger.warning(
                "%s %s: giving up after %s attempts: %s", retry.name, ids, attempt, error
            )


@task()
def send_newsletter_confirmation(*, subscriber_id: int, attempt: int = 0) -> None:
    """P17: the double opt-in email. It is a service message: the person just asked for it."""
    from mosaic.consent.services import confirmation_token

    subscriber = NewsletterSubscriber.objects.filter(
        pk=subscriber_id, confirmed_at__isnull=True
    ).first()
    if subscriber is None:
        return  # confirmed or gone meanwhile
    context = {
        "url": settings.SITE_URL
        + reverse("consent:newsletter_confirm", args=[confirmation_token(subscriber)]),
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = service_message(
            to=subscriber.email,
            subject=render_to_string("consent/email/confirm_subject.txt").strip(),
            body=render_to_string("consent/email/confirm_message.txt", context),
        )
    _send(message, send_newsletter_confirmation, attempt=attempt, subscriber_id=subscriber_id)


def _promotional_users() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        consents__purpose=Consent.Purpose.PROMOTIONAL_EMAIL,
        consents__withdrawn_at__isnull=True,
    ).exclude(email="")


@task()
def send_newsletter_batch(*, issue_id: int) -> None:
    """Fan one mailing out to the next batch of recipients, then to the next batch.

    Each recipient is claimed by moving the issue's cursor past them with a conditional UPDATE
    before their message is queued, so two workers or a rerun never mail anyone twice.
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
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    cursor = issue.last_subscriber_id
    for subscriber_id in subscribers:
        if not NewsletterIssue.objects.filter(pk=issue_id, last_subscriber_id=cursor).update(
            last_subscriber_id=subscriber_id
        ):
            return  # another run moved the cursor: it carries on from there
        cursor = subscriber_id
        send_promotional_email.enqueue(issue_id=issue_id, subscriber_id=subscriber_id)
    users = list(
        _promotional_users()
        .filter(pk__gt=issue.last_user_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: max(size - len(subscribers), 0)]
    )
    cursor = issue.last_user_id
    for user_id in users:
        if not NewsletterIssue.objects.filter(pk=issue_id, last_user_id=cursor).update(
            last_user_id=user_id
        ):
            return
        cursor = user_id
        send_promotional_email.enqueue(issue_id=issue_id, user_id=user_id)
    if len(subscribers) + len(users) < size:
        NewsletterIssue.objects.filter(pk=issue_id).update(finished_at=timezone.now())
    else:
        send_newsletter_batch.enqueue(issue_id=issue_id)


@task()
def send_promotional_email(
    *, issue_id: int, subscriber_id: int = 0, user_id: int = 0, attempt: int = 0
) -> None:
    """P29: one promotional message, only if its recipient still wants it when it goes out."""
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None:
        return
    if subscriber_id:
        subscriber = NewsletterSubscriber.objects.filter(
            pk=subscriber_id, confirmed_at__isnull=False
        ).first()
        if (
            subscriber is None
            or Suppression.objects.filter(email_hash=subscriber.email_hash).exists()
        ):
            return
        to = subscriber.email
        token = unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)
    else:
        user = _promotional_users().filter(pk=user_id).first()
        if user is None:
            return
        to = user.email
        token = unsubscribe_token(purpose="promotional_email", user_id=user.pk)
    with translation.override(settings.LANGUAGE_CODE):
        message = promotional_message(to=to, subject=issue.subject, body=issue.body, token=token)
    _send(
        message,
        send_promotional_email,
        attempt=attempt,
        issue_id=issue_id,
        subscriber_id=subscriber_id,
        user_id=user_id,
    )
