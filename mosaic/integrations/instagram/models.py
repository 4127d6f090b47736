from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mosaic.lib.crypto import EncryptedTextField
from mosaic.lib.deferred import text_of

REFRESH_MIN_AGE = timedelta(hours=24)  # Instagram refuses to refresh a younger token
REFRESH_WINDOW = timedelta(days=10)  # refresh once a token is this close to expiring
REFRESH_FIRST_RETRY = timedelta(minutes=15)  # after a failed refresh; doubles each time
REFRESH_LONGEST_WAIT = timedelta(hours=24)


class ConnectionQuerySet(models.QuerySet["InstagramConnection"]):
    def due_for_refresh(self) -> ConnectionQuerySet:
        now = timezone.now()
        return self.filter(
            status=InstagramConnection.Status.ACTIVE,
            token_issued_at__lte=now - REFRESH_MIN_AGE,
            token_expires_at__lte=now + REFRESH_WINDOW,
            token_expires_at__gt=now,
        ).filter(models.Q(refresh_retry_at__isnull=True) | models.Q(refresh_retry_at__lte=now))


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
    # The periodic sync claims a connection by moving this forward (``claim_batch``).
    next_sync_at = models.DateTimeField(default=timezone.now)
    last_full_sync_at = models.DateTimeField(null=True, blank=True)
    # Token refresh: the job claims a connection by moving ``refresh_retry_at`` forward; a
    # failed refresh (Instagram down, an odd answer) backs it off exponentially and tells the
    # owner in the panel, so a few failing connections never crowd out the others.
    refresh_retry_at = models.DateTimeField(null=True, blank=True)
    refresh_failures = models.PositiveSmallIntegerField(default=0)
    refresh_error = models.CharField(max_length=300, blank=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        db_table = "instagram_connection"
        indexes = [
            models.Index(fields=["status", "token_expires_at"]),
            models.Index(fields=["status", "next_sync_at"], name="instagram_conn_next_sync"),
        ]

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def refresh_backoff(self) -> timedelta:
        """How long to wait after ``refresh_failures`` failed refreshes in a row."""
        doubling = REFRESH_FIRST_RETRY * 2 ** min(max(self.refresh_failures - 1, 0), 16)
        return min(doubling, REFRESH_LONGEST_WAIT)

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


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def active(self) -> ImportRunQuerySet:
        return self.filter(state__in=ImportRun.ACTIVE_STATES)

    def resumable(self) -> ImportRunQuerySet:
        """Runs a worker should pick up: paused ones whose wait is over, and running ones whose
        worker stopped sending heartbeats (it crashed or was killed)."""
        now = timezone.now()
        stale = now - timedelta(minutes=settings.INSTAGRAM_IMPORT_STALE_MINUTES)
        return self.filter(
            models.Q(state=ImportRun.State.PAUSED, resume_after__lte=now)
            | models.Q(state=ImportRun.State.RUNNING, heartbeat_at__lt=stale)
            | models.Q(state=ImportRun.State.QUEUED, heartbeat_at__lt=stale)
        )


class ImportRun(models.Model):
    """One import: a sync with the Instagram API (full or incremental) or one uploaded data
    download. It records where it is, so a crash, a rate limit or a worker restart never loses
    progress: ``cursor`` is the page being processed (API) and ``done`` how many posts are in.
    """

    class Kind(models.TextChoices):
        FULL = "full", _("Full sync")
        INCREMENTAL = "incremental", _("New posts")
        ARCHIVE = "archive", _("Data download")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Done")
        FAILED = "failed", _("Stopped")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING, State.PAUSED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instagram_imports"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    cursor = models.CharField(
        max_length=500, blank=True, help_text="Paging cursor of the page being processed."
    )
    since = models.DateTimeField(
        null=True, blank=True, help_text="Incremental: the newest post imported before."
    )
    upload_name = models.CharField(
        max_length=200, blank=True, help_text="The uploaded ZIP in the private storage."
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    media = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    comments_denied = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the run paused or failed: ``Deferred.as_json()``, shown in the reader's language
    # (``error_text``); a plain string for runs written before.
    error = models.JSONField(default=str, blank=True)
    resume_after = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        db_table = "instagram_import_run"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One import at a time per owner: a second "Sync now" joins the running one.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state__in=["queued", "running", "paused"]),
                name="instagram_one_active_import",
            )
        ]
        indexes = [
            models.Index(fields=["state", "resume_after"], name="instagram_run_state"),
            models.Index(fields=["user", "-created_at"], name="instagram_run_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} ({self.state})"

    def warning_texts(self) -> list[str]:
        """The skipped items in the active language (runs before texts were stored with their
        values, ``runs.warn``, show as they were written)."""
        return [text_of(warning) for warning in self.warnings]

    @property
    def error_text(self) -> str:
        """Why the run paused or failed, in the active language."""
        return text_of(self.error) if self.error else ""

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def is_api(self) -> bool:
        return self.kind != self.Kind.ARCHIVE

    @property
    def percent(self) -> int:
        if self.state == self.State.COMPLETED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class SeenMedia(models.Model):
    """An Instagram media id a run has imported: lets a resumed run skip what it already did,
    and a complete full sync find the posts that are gone from Instagram."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="seen")
    external_id = models.CharField(max_length=100)

    class Meta:
        db_table = "instagram_seen_media"
        constraints = [
            models.UniqueConstraint(fields=["run", "external_id"], name="instagram_seen_once")
        ]

    def __str__(self) -> str:
        return self.external_id
