from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def in_effect(self, kind: str, now: dt.datetime | None = None) -> PolicyVersion | None:
        now = now or timezone.now()
        return self.filter(kind=kind, effective_at__lte=now).order_by("-effective_at").first()

    def upcoming(self, now: dt.datetime | None = None) -> PolicyVersionQuerySet:
        return self.filter(effective_at__gt=now or timezone.now()).order_by("effective_at")


class PolicyVersion(models.Model):
    """One published version of the privacy policy or the terms of service (P14).

    ``body`` is the text as rendered when it was published, so every past version stays readable
    exactly as people were shown it, whatever the settings and code say later.
    """

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms of service")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    effective_at = models.DateTimeField(db_index=True)
    summary = models.TextField(help_text="What changed, in a few plain sentences.")
    body = models.TextField(help_text="The full text as published (HTML rendered by Mosaic).")

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="policy_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.number}"

    @property
    def notice_given(self) -> dt.timedelta:
        return self.effective_at - self.published_at

    @property
    def is_upcoming(self) -> bool:
        return self.effective_at > timezone.now()


class Notice(models.Model):
    """A service message to every user (P27), e.g. a policy change or a change of control.

    Sending is resumable: users are taken in id order past ``last_user_id``, a cursor moved
    with a conditional UPDATE in the same transaction as their messages, so a rerun or two
    workers never mail anyone twice, and each batch reads only its own users.
    """

    subject = models.CharField(max_length=200)
    body = models.TextField()
    digest = models.CharField(max_length=64, unique=True, help_text="sha256 of subject and body")
    created_at = models.DateTimeField(default=timezone.now)
    policy_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    last_user_id = models.BigIntegerField(default=0)
    batch_at = models.DateTimeField(null=True, blank=True, help_text="when a batch last ran")
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject


class NoticeDelivery(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_deliveries"
    )
    claimed_at = models.DateTimeField()
    delivery = models.ForeignKey(
        "mail.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "notice deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_delivery_unique"),
        ]

    def __str__(self) -> str:
        return f"notice {self.notice_id} to user {self.user_id}"
