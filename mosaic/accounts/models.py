from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Profile fields are optional (P28); first/last name are unused in favour of one
    display name, because many people's names do not split into two parts."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # P08: set when the owner deletes the account; the account is erased by the quarantine sweep
    # once this moment passes, unless restored first.
    scheduled_deletion_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The language the person last used Mosaic in (``accounts.middleware.remember_language``):
    # what mail written without them, by a periodic job or another person's action, is in.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        db_table = "accounts_user"
        # P06: the inactivity sweep starts from owners not signed in for months (a range).
        indexes = [models.Index(fields=["last_login"], name="accounts_user_last_login")]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def in_quarantine(self) -> bool:
        return self.scheduled_deletion_at is not None

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name or self.username


class KnownDevice(models.Model):
    """A browser on a network that this user has signed in from (P19).

    Only the browser family, the operating system family and the network prefix (IPv4 /16,
    IPv6 /64) are kept: enough to recognise a returning device, too coarse to locate anyone.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_devices")
    browser = models.CharField(max_length=120)
    network = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "browser", "network"], name="known_device_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.browser} on {self.network}"
