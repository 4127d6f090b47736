from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mosaic.lib.crypto import EncryptedTextField

REFRESH_MIN_AGE = timedelta(hours=24)  # Instagram refuses to refresh a younger token
REFRESH_WINDOW = timedelta(days=10)  # refresh once a token is this close to expiring


class ConnectionQuerySet(models.QuerySet["InstagramConnection"]):
    def due_for_refresh(self) -> ConnectionQuerySet:
        now = timezone.now()
        return self.filter(
            status=InstagramConnection.Status.ACTIVE,
            token_issued_at__lte=now - REFRESH_MIN_AGE,
            token_expires_at__lte=now + REFRESH_WINDOW,
            token_expires_at__gt=now,
        )


class InstagramConnection(models.Model):
    """An owner's link to their Instagram professional account.

    P02: only the OAuth access token is kept, encrypted at rest (``EncryptedTextField``, keyed
    by ``TOKEN_ENCRYPTION_KEYS``); an Instagram password is never asked for, so never stored.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Connected")
        BROKEN = "broken", _("Needs reconnecting")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instagram_connection"
    )
    instagram_user_id = models.CharField(max_length=64, db_index=True)
    username = models.CharField(max_length=64)
    access_token = EncryptedTextField(blank=True)
    token_issued_at = models.DateTimeField()
    token_expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    connected_at = models.DateTimeField(default=timezone.now)
    broken_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        db_table = "instagram_connection"
        indexes = [models.Index(fields=["status", "token_expires_at"])]

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def needs_refresh(self) -> bool:
        now = timezone.now()
        return (
            self.is_active
            and self.token_issued_at <= now - REFRESH_MIN_AGE
            and self.token_expires_at <= now + REFRESH_WINDOW
        )


def _confirmation_code() -> str:
    return secrets.token_urlsafe(18)


class DataDeletionRequest(models.Model):
    """A data-deletion request Meta forwarded for an Instagram user; its status page is public,
    reached only through the unguessable confirmation code, and shows no personal data."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        COMPLETED = "completed", _("Completed")

    confirmation_code = models.CharField(max_length=32, unique=True, default=_confirmation_code)
    instagram_user_id = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "instagram_data_deletion_request"

    def __str__(self) -> str:
        return self.confirmation_code
