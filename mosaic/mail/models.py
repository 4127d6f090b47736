from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """One email to one address, from the moment it is asked for until a mail server takes it.

    The row is written in the caller's transaction, so a message exists exactly when the change
    that asked for it was committed; the send task and the ``mail.send_due`` job work from it.
    ``status == SENT`` means the SMTP server accepted the message (250 after DATA), never merely
    that it was queued: a sweep that acts on a warning (P06) may trust it. The rendered text and
    the attachments' references are emptied once the message is sent or given up; the record
    itself goes after ``MAIL_DELIVERY_DAYS``.
    """

    class Kind(models.TextChoices):
        # always goes out (P29)
        SERVICE = "service", _("Service message")
        # only with consent, always with one-click unsubscribe
        PROMOTIONAL = "promotional", _("Promotional")

    class Status(models.TextChoices):
        # waiting for its first attempt or for the next one
        QUEUED = "queued", _("Waiting to be sent")
        # claimed by a worker until ``next_attempt_at`` (its lease)
        SENDING = "sending", _("Being sent")
        # the mail server took it
        SENT = "sent", _("Sent")
        # refused for good, or out of attempts
        FAILED = "failed", _("Not delivered")
        # not wanted any more (an unsubscribe before it went out)
        CANCELLED = "cancelled", _("Cancelled")

    template = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.SERVICE)
    to = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.TextField()
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    #: Files to attach, as references drawn again at send time (``mail.services.attachment``):
    #: ``[{"kind": "billing.invoice_pdf", "id": 7, "language": "ru"}]``, never the bytes.
    attachments = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    #: When the next attempt is due; while SENDING, when the worker's claim runs out.
    next_attempt_at = models.DateTimeField()
    #: When the row was last handed to the task queue (None: not in the queue).
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: The last failure: the exception and SMTP code only, never an address.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="mail_delivery_due_idx",
            ),
            models.Index(fields=["created_at"], name="mail_delivery_created_idx"),
            models.Index(fields=["to"], name="mail_delivery_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.status})"

    @property
    def done(self) -> bool:
        return self.status in {self.Status.SENT, self.Status.FAILED, self.Status.CANCELLED}
