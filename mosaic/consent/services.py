"""Consent records (P23), email preferences and the newsletter (P17, P29)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.consent.mailing import address_hash, read_unsubscribe_token
from mosaic.consent.models import Consent, NewsletterIssue, NewsletterSubscriber, Suppression
from mosaic.mail import services as mail
from mosaic.policy.models import PolicyVersion

CONFIRM_SALT = "mosaic.consent.newsletter-confirm"
#: One confirmation email per address per this long, however often the form is sent.
RESEND_AFTER = dt.timedelta(minutes=10)


class InvalidLink(Exception):
    """A confirmation or unsubscribe link that is forged, damaged or expired."""


def _subject(user: User | None, subject_hash: str) -> dict[str, object]:
    if user is not None:
        return {"user": user, "subject_hash": ""}
    if not subject_hash:
        raise ValueError("a consent needs a user or an address hash")
    return {"user": None, "subject_hash": subject_hash}


def has_consent(*, purpose: str, user: User | None = None, subject_hash: str = "") -> bool:
    return Consent.objects.active().filter(purpose=purpose, **_subject(user, subject_hash)).exists()


def give_consent(
    *,
    purpose: str,
    via: str,
    user: User | None = None,
    subject_hash: str = "",
    now: dt.datetime | None = None,
) -> Consent:
    """P23: record a consent with the privacy policy version in effect; idempotent."""
    subject = _subject(user, subject_hash)
    existing = Consent.objects.active().filter(purpose=purpose, **subject).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return Consent.objects.create(
                purpose=purpose,
                given_via=via,
                given_at=now,
                policy_version=PolicyVersion.objects.in_effect("privacy", now),
                **subject,
            )
    except IntegrityError:  # given at the same moment elsewhere: that record stands
        return Consent.objects.active().get(purpose=purpose, **subject)


def withdraw_consent(
    *,
    purpose: str,
    via: str,
    user: User | None = None,
    subject_hash: str = "",
    now: dt.datetime | None = None,
) -> int:
    """P23: mark the active consent withdrawn; the record stays as proof for a stated time.
    P29: promotional mail to the user not sent yet is cancelled with it."""
    withdrawn = (
        Consent.objects.active()
        .filter(purpose=purpose, **_subject(user, subject_hash))
        .update(withdrawn_at=now or timezone.now(), withdrawn_via=via)
    )
    if user is not None and purpose == Consent.Purpose.PROMOTIONAL_EMAIL:
        mail.cancel(user=user)
    return withdrawn


def set_promotional_email(*, user: User, wanted: bool) -> None:
    """P29: promotional email is off until the user turns it on, and off again at any time."""
    if wanted:
        give_consent(
            purpose=Consent.Purpose.PROMOTIONAL_EMAIL,
            via=Consent.Source.EMAIL_PREFERENCES,
            user=user,
        )
    else:
        withdraw_consent(
            purpose=Consent.Purpose.PROMOTIONAL_EMAIL,
            via=Consent.Source.EMAIL_PREFERENCES,
            user=user,
        )


def subscribe_newsletter(*, email: str, now: dt.datetime | None = None) -> bool:
    """P17: start a double opt-in for ``email``; True if a confirmation email was written.

    The answer the visitor sees is the same whatever happens here, so the form tells nobody
    whether an address is already subscribed. An address gets at most one confirmation email
    per ``RESEND_AFTER``, so the form cannot be used to flood someone's inbox.
    """
    now = now or timezone.now()
    email_hash = address_hash(email)
    with transaction.atomic():
        subscriber, _created = NewsletterSubscriber.objects.select_for_update().get_or_create(
            email_hash=email_hash, defaults={"email": email, "created_at": now}
        )
        if subscriber.confirmed_at is not None:
            return False
        sent = subscriber.confirmation_sent_at
        if sent is not None and sent > now - RESEND_AFTER:
            return False
        NewsletterSubscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
        # A service message (P29): the person just asked for it.
        mail.send(
            "consent/email/confirm",
            to=subscriber.email,
            context={
                "url": settings.SITE_URL
                + reverse("consent:newsletter_confirm", args=[confirmation_token(subscriber)]),
                "days": settings.NEWSLETTER_CONFIRM_DAYS,
            },
        )
    return True


def confirmation_token(subscriber: NewsletterSubscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "h": subscriber.email_hash}, salt=CONFIRM_SALT)


def confirm_newsletter(*, token: str, now: dt.datetime | None = None) -> NewsletterSubscriber:
    """P17: the second opt-in. Raises ``InvalidLink`` for a bad or expired link."""
    try:
        payload = signing.loads(
            token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
        )
        subscriber = NewsletterSubscriber.objects.get(pk=payload["s"], email_hash=payload["h"])
    except (signing.BadSignature, NewsletterSubscriber.DoesNotExist, KeyError, TypeError) as e:
        raise InvalidLink from e
    if subscriber.confirmed_at is None:
        now = now or timezone.now()
        with transaction.atomic():
            NewsletterSubscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=now)
            subscriber.confirmed_at = now
            give_consent(
                purpose=Consent.Purpose.NEWSLETTER,
                via=Consent.Source.NEWSLETTER_FORM,
                subject_hash=subscriber.email_hash,
                now=now,
            )
            # Re-joining yourself lifts an earlier unsubscribe.
            Suppression.objects.filter(email_hash=subscriber.email_hash).delete()
    return subscriber


def unsubscribe(*, token: str) -> None:
    """P29: stop what an unsubscribe link names; works without signing in and is idempotent.

    For the newsletter the address itself is deleted; only a keyed hash stays, as a
    suppression entry (and in the withdrawn consent kept as proof).
    """
    payload = read_unsubscribe_token(token)
    if payload is None:
        raise InvalidLink
    via = Consent.Source.UNSUBSCRIBE_LINK
    if payload.get("u"):
        user = User.objects.filter(pk=payload["u"]).first()
        if user is not None:
            withdraw_consent(purpose=Consent.Purpose.PROMOTIONAL_EMAIL, via=via, user=user)
        return
    email_hash = str(payload.get("h") or "")
    if not email_hash:
        raise InvalidLink
    with transaction.atomic():
        for email in NewsletterSubscriber.objects.filter(email_hash=email_hash).values_list(
            "email", flat=True
        ):
            mail.cancel(to=email)  # not sent yet: never sent
            mail.forget(to=email)  # and no record of the address stays
        NewsletterSubscriber.objects.filter(email_hash=email_hash).delete()
        Suppression.objects.get_or_create(email_hash=email_hash)
        withdraw_consent(purpose=Consent.Purpose.NEWSLETTER, via=via, subject_hash=email_hash)


def start_newsletter(*, subject: str, body: str) -> tuple[NewsletterIssue, bool]:
    """Queue a mailing to confirmed subscribers and opted-in users; the same text resumes."""
    from mosaic.consent.tasks import send_newsletter_batch

    digest = hashlib.sha256(f"{subject}\0{body}".encode()).hexdigest()
    issue, created = NewsletterIssue.objects.get_or_create(
        digest=digest, defaults={"subject": subject, "body": body}
    )
    transaction.on_commit(lambda: send_newsletter_batch.enqueue(issue_id=issue.pk))
    return issue, created
