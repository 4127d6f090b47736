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


class CorrectionRequestQuerySet(models.QuerySet["CorrectionRequest"]):
    def open(self) -> CorrectionRequestQuerySet:
        return self.filter(status=CorrectionRequest.Status.OPEN)


class CorrectionRequest(models.Model):
    """P20, P33: a correction the user cannot make themselves, answered within a deadline.

    The deadline is fixed when the request is filed, so a later change of the setting never
    moves a date already promised. ``reminded_on`` keeps reminders to one a day per request.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CORRECTED = "corrected", _("corrected")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests"
    )
    what = models.TextField(_("what is wrong"), max_length=2000)
    correction = models.TextField(_("what it should say"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"correction request {self.pk} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.deadline < timezone.now()


class LegalHold(models.Model):
    """P10, P15: while a hold is not lifted, no sweep and no erasure touches what it holds.

    A hold is on an account, or on the sealed archive of an account already erased (P09).
    Lifted holds stay as the record of the case until their legal request's period ends.
    """

    request = models.ForeignKey(
        "legal.LegalRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="holds"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
    )
    archive = models.ForeignKey(
        SealedArchive, null=True, blank=True, on_delete=models.SET_NULL, related_name="holds"
    )
    case_reference = models.CharField(max_length=80)
    reason = models.TextField(max_length=2000)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["lifted_at", "user"])]

    def __str__(self) -> str:
        return f"hold {self.case_reference}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AccountBlock(models.Model):
    """P10: a blocked account cannot sign in, and its data is kept until ``keep_until`` (at
    least ``PRIVACY_BLOCK_KEEP_DAYS`` after the block) even if its deletion was requested.

    ``keep_until`` is fixed at the block and survives unblocking: the block may still have to
    be answered for, and its evidence with it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    reason = models.TextField(max_length=2000)
    blocked_at = models.DateTimeField()
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    keep_until = models.DateTimeField(db_index=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"block {self.pk}"


class SweepState(models.Model):
    """How one retention rule (``privacy.sweeps``) last ran, and when it runs next.

    Each rule runs and commits on its own: one that fails is retried with back-off while the
    others go on, and its failure stays here (shown to operators and in the self-audit) until
    it succeeds. A run claims the rule by moving ``next_run_at`` forward with a conditional
    UPDATE, so two runs never sweep the same rule at once.
    """

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_succeeded_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    #: Failures in a row; 0 once it succeeds.
    failures = models.PositiveIntegerField(default=0)
    #: The exception's name only (a database error's text can quote the data).
    last_error = models.CharField(max_length=200, blank=True)
    last_rows = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"sweep {self.name}"

    @property
    def failing(self) -> bool:
        return self.failures > 0
