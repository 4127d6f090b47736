"""Declarations for framework tables that no single Mosaic app owns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.privacy.exports import delete_export
from mosaic.privacy.models import DataExport, SealedArchive
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.services import erase_account
from mosaic.privacy.sweeps import apply_to_due, delete_due, sweep

exempt(
    "django_tasks_database.DBTaskResult",
    None,
    reason=(
        "The task queue: tasks take database ids, never personal values, and finished rows"
        " are pruned by a periodic job."
    ),
)


@sweep(
    name="quarantine-ended",
    promise="P08",
    help=(
        "Erases every account whose deletion was requested more than PRIVACY_QUARANTINE_DAYS"
        " ago (the date fixed at the request), category by category, the account row last."
    ),
)
def erase_accounts_after_quarantine(now: dt.datetime, dry_run: bool) -> int:
    """P08: after the quarantine, personal data is deleted or anonymised."""
    due = User.objects.filter(scheduled_deletion_at__lte=now)
    return apply_to_due(due, lambda user: erase_account(user=user), dry_run=dry_run)


@register
class ExportData(Category):
    key = "exports"
    title = _("Your data exports")
    description = _("Copies of your data you asked to download.")
    purpose = _("To give you a copy of your data (your right of access).")
    legal_basis = _("Legal obligation: the right of access.")
    holdings = (Holding("privacy.DataExport", ("user", "file_name")),)

    def retention(self) -> Text:
        return _("%(days)s days after it is ready; then the file is deleted.") % {
            "days": settings.PRIVACY_EXPORT_DAYS
        }

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {"requested_at": item.requested_at.isoformat(), "status": item.status}
            for item in DataExport.objects.filter(user=user).order_by("requested_at")
        ]

    def erase(self, user: User) -> int:
        exports = list(DataExport.objects.filter(user=user))
        for item in exports:
            delete_export(item)
        return len(exports)


@sweep(
    name="expired-exports",
    promise="P20",
    help="Deletes data exports, file and record, PRIVACY_EXPORT_DAYS after they were requested.",
)
def delete_expired_exports(now: dt.datetime, dry_run: bool) -> int:
    return apply_to_due(DataExport.objects.expired(now), delete_export, dry_run=dry_run)


@register
class SealedArchiveData(Category):
    key = "sealed-archives"
    order = 90
    title = _("Sealed archive after deletion")
    description = _(
        "When an account is finally deleted, its profile and login data are kept in an archive"
        " encrypted to a key only our security team holds, offline; Mosaic itself cannot read"
        " it. It is opened only for a recorded case, such as a legal request."
    )
    purpose = _("To answer legal requests and investigate abuse after an account is gone.")
    legal_basis = _("Legal obligation and legitimate interest in preventing abuse.")
    holdings = (
        Holding(
            "privacy.SealedArchive",
            ("email_lookup", "username_lookup", "key_fingerprint", "ciphertext"),
        ),
    )

    def retention(self) -> Text:
        return _("%(days)s days after the account is deleted; then destroyed.") % {
            "days": settings.PRIVACY_ARCHIVE_DAYS
        }

    def export(self, user: User) -> list[Any]:
        return []  # made only once the account is gone; nobody can read it back (P09)

    def erase(self, user: User) -> int:
        return 0  # kept by its own rule below (P09), whatever happens to the account


exempt(
    "privacy.SealedArchive",
    ("ephemeral_public_key", "nonce"),
    reason="Random values needed to open the sealed box; they reveal nothing.",
)


@sweep(
    name="sealed-archives",
    promise="P09",
    help="Destroys sealed archives PRIVACY_ARCHIVE_DAYS after the account was erased.",
)
def destroy_old_archives(now: dt.datetime, dry_run: bool) -> int:
    """P09: after the archive period, the data is gone from every record."""
    return delete_due(SealedArchive.objects.filter(destroy_after__lte=now), dry_run=dry_run)
