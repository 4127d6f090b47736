from __future__ import annotations

from django.conf import settings
from django.db import models

from mosaic.staff.reasons import shown


class AuditEntry(models.Model):
    """One operator action (P25). Entries are never edited; when their period ends they are
    deleted by the sweep, and an operator's own account deletion only redacts their name."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, help_text="What was touched, e.g. archive:12.")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account whose data was touched, when there is one.",
    )
    case_reference = models.CharField(max_length=80, blank=True)
    reason = models.TextField()
    delete_after = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["target", "at"]),
            models.Index(fields=["subject", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language when Mosaic wrote it (``staff.reasons``)."""
        return shown(self.reason)
