from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """P23: who agreed to what, under which policy version, when, and when they withdrew.

    The subject is an account, or (for the newsletter, which needs no account, P17) the keyed
    hash of an email address. Withdrawing never deletes the record: it is the proof of what was
    agreed, kept ``PRIVACY_CONSENT_PROOF_DAYS`` after withdrawal, then swept.
    """

    class Purpose(models.TextChoices):
        PROMOTIONAL_EMAIL = "promotional_email", _("Promotional email")
        NEWSLETTER = "newsletter", _("Newsletter")
        COOKIES = "cookies", _("Non-essential cookies")

    class Source(models.TextChoices):
        EMAIL_PREFERENCES = "email_preferences", _("Email preferences page")
        NEWSLETTER_FORM = "newsletter_form", _("Newsletter sign-up, confirmed by email")
        UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link in an email")
        ACCOUNT_DELETION = "account_deletion", _("Account deletion")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    subject_hash = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    given_via = models.CharField(max_length=24, choices=Source.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withdrawn_via = models.CharField(max_length=24, choices=Source.choices, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(subject_hash=""),
                name="consent_has_a_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(withdrawn_at__isnull=True, user__isnull=False),
                name="consent_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["subject_hash", "purpose"],
                condition=Q(withdrawn_at__isnull=True, user__isnull=True),
                name="consent_one_active_per_address",
            ),
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "active"
        return f"{self.purpose} consent ({state})"


class NewsletterSubscriber(models.Model):
    """An address that asked for the newsletter (P17: only an email is needed).

    It receives nothing until ``confirmed_at`` is set by the link mailed to it (double opt-in);
    unconfirmed addresses are swept after ``NEWSLETTER_CONFIRM_DAYS``. Unsubscribing deletes the
    row and leaves only a keyed hash in ``Suppression``.
    """

    email = models.EmailField(unique=True)
    email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"subscriber {self.pk}"


class Suppression(models.Model):
    """An address that unsubscribed, kept only as a keyed hash so it is never mailed again
    by a promotional list it did not re-join itself."""

    email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"suppression {self.pk}"


class NewsletterIssue(models.Model):
    """One newsletter or promotional mailing, sent to confirmed subscribers and to users who
    opted in (P29). The cursors are claimed before each message goes out, so a rerun resumes
    where the last one stopped and never mails anyone twice."""

    subject = models.CharField(max_length=200)
    body = models.TextField()
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_subscriber_id = models.BigIntegerField(default=0)
    last_user_id = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject
