from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def expired(self, now: object = None) -> DataExportQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class DataExport(models.Model):
    """A copy of everything Mosaic holds about a user (P20), built in the background.

    The id is a random UUID so its download address cannot be guessed; the view still checks
    that the person downloading is its owner. The file lives in private storage and is deleted
    when the export expires.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to start")
        RUNNING = "running", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "-requested_at"])]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and self.expires_at > timezone.now()


class SealedArchive(models.Model):
    """P09: an erased account's profile and login data, sealed to the security team's key.

    The running service holds only the public key, so it can write these but never read them.
    The lookups are keyed hashes of the account's email and username, so the security team can
    find the archive a legal request names without the table listing anyone in clear.
    """

    created_at = models.DateTimeField()
    destroy_after = models.DateTimeField(db_index=True)
    email_lookup = models.CharField(max_length=64, db_index=True)
    username_lookup = models.CharField(max_length=64, db_index=True)
    key_fingerprint = models.CharField(max_length=16)
    ephemeral_public_key = models.BinaryField()
    nonce = models.BinaryField()
    ciphertext = models.BinaryField()

    def __str__(self) -> str:
        return f"sealed archive {self.pk}"
