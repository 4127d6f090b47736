"""Declarations for framework tables that no single Mosaic app owns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.legal.models import LegalRequest
from mosaic.privacy.exports import delete_export
from mosaic.privacy.models import (
    AccountBlock,
    CorrectionRequest,
    DataExport,
    LegalHold,
    SealedArchive,
)
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.services import erase_accounts
from mosaic.privacy.sweeps import apply_to_due, apply_to_due_batches, delete_due, sweep

exempt(
    "privacy.SweepState",
    ("last_error",),
    reason="The name of the exception a retention rule last raised (never its text).",
)

#: Accounts erased together, in one transaction (P08).
ERASE_BATCH = 1000

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
    return apply_to_due_batches(
        due,
        lambda users: erase_accounts(users=users, now=now),
        dry_run=dry_run,
        now=now,
        batch_size=ERASE_BATCH,
    )


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
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        exports = list(DataExport.objects.filter(user__any=[user.pk for user in users]))
        for item in exports:
            delete_export(item)
        return len(exports)


@sweep(
    name="expired-exports",
    promise="P20",
    help="Deletes data exports, file and record, PRIVACY_EXPORT_DAYS after they were requested.",
)
def delete_expired_exports(now: dt.datetime, dry_run: bool) -> int:
    return apply_to_due(DataExport.objects.expired(now), delete_export, dry_run=dry_run, now=now)


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
    """P09: after the archive period, the data is gone from every record; P10: unless a legal
    hold on the archive is not lifted yet (the account itself is gone, so no user to hold)."""
    held = LegalHold.objects.filter(lifted_at__isnull=True, archive__isnull=False)
    due = SealedArchive.objects.filter(destroy_after__lte=now).exclude(
        pk__in=held.values("archive_id")
    )
    return delete_due(due, dry_run=dry_run, user_field=None)


@register
class CorrectionRequests(Category):
    key = "corrections"
    title = _("Correction requests")
    description = _("Corrections you asked us to make, and our answers.")
    purpose = _("To correct data you cannot change yourself (your right to rectification).")
    legal_basis = _("Legal obligation: the right to rectification.")
    holdings = (
        Holding(
            "privacy.CorrectionRequest", ("user", "what", "correction", "resolved_by", "resolution")
        ),
    )

    def retention(self) -> Text:
        return _(
            "Answered within %(days)s days; kept while your account exists, so you can see them."
        ) % {"days": settings.PRIVACY_CORRECTION_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "filed": item.created_at.isoformat(),
                "deadline": item.deadline.isoformat(),
                "what_is_wrong": item.what,
                "correction": item.correction,
                "status": item.status,
                "answer": item.resolution,
            }
            for item in CorrectionRequest.objects.filter(user=user).order_by("created_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        return CorrectionRequest.objects.filter(user__any=ids).delete()[0]


@register
class ModerationData(Category):
    key = "moderation"
    title = _("Blocks")
    description = _("If your account was blocked for abuse: when, and why.")
    purpose = _("To stop abuse of the service and to answer for our decision.")
    legal_basis = _("Legitimate interest in keeping the service safe.")
    holdings = (Holding("privacy.AccountBlock", ("user", "reason", "blocked_by", "lifted_by")),)

    def retention(self) -> Text:
        return _(
            "A blocked account and its data are kept at least %(days)s days after the block,"
            " even if its deletion is requested."
        ) % {"days": settings.PRIVACY_BLOCK_KEEP_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "blocked_at": block.blocked_at.isoformat(),
                "reason": block.reason,
                "lifted_at": block.lifted_at.isoformat() if block.lifted_at else None,
            }
            for block in AccountBlock.objects.filter(user=user).order_by("blocked_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        # Reached only once the keeping period is over (the sweeps skip the account before).
        return AccountBlock.objects.filter(user__any=[user.pk for user in users]).delete()[0]


@sweep(
    name="ended-blocks",
    promise="P10",
    help="Deletes the record of a lifted block once PRIVACY_BLOCK_KEEP_DAYS have passed since it.",
)
def delete_ended_blocks(now: dt.datetime, dry_run: bool) -> int:
    ended = AccountBlock.objects.filter(lifted_at__isnull=False, keep_until__lte=now)
    return delete_due(ended, dry_run=dry_run, user_field="user", now=now)


@register
class LegalRecords(Category):
    key = "legal"
    title = _("Legal requests and holds")
    description = _(
        "Requests from authorities we received, and the holds they placed on accounts. We"
        " disclose data only against such a recorded request."
    )
    purpose = _("To answer lawful requests, and to prove we disclosed nothing without one.")
    legal_basis = _("Legal obligation.")
    holdings = (
        Holding(
            "legal.LegalRequest",
            (
                "authority",
                "reference",
                "country",
                "legal_basis",
                "scope",
                "accounts",
                "decision_reason",
                "recorded_by",
            ),
        ),
        Holding("legal.Disclosure", ("target",)),
        Holding(
            "privacy.LegalHold",
            ("user", "case_reference", "reason", "placed_by", "lifted_by", "lift_reason"),
        ),
    )

    def retention(self) -> Text:
        return _(
            "Held data is kept until the hold is lifted. The record of a request is kept"
            " %(days)s days for our transparency report, then deleted."
        ) % {"days": settings.PRIVACY_LEGAL_RECORD_DAYS}

    def export(self, user: User) -> list[Any]:
        # The law may forbid telling someone of a request about them while it runs; what may
        # be told is answered case by case by the legal team, never by an automatic export.
        return []

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        # Reached only once every hold is lifted: the case record stays, detached from the person.
        return LegalHold.objects.filter(user__any=[user.pk for user in users]).update(user=None)


@sweep(
    name="legal-records",
    promise="P15",
    help=(
        "Deletes legal requests (with their lifted holds) PRIVACY_LEGAL_RECORD_DAYS after they"
        " were recorded, and lifted holds without a request that long after they were lifted;"
        " never a request with a hold still in place."
    ),
)
def delete_old_legal_records(now: dt.datetime, dry_run: bool) -> int:
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    requests = LegalRequest.objects.filter(delete_after__lte=now).exclude(
        pk__in=active.exclude(request=None).values("request_id")
    )
    cutoff = now - dt.timedelta(days=settings.PRIVACY_LEGAL_RECORD_DAYS)
    loose = LegalHold.objects.filter(request=None, lifted_at__lte=cutoff)
    # A request is a case, not an account: its active holds (above) keep it. A lifted hold
    # still stays while its account is held for another case.
    return delete_due(requests, dry_run=dry_run, user_field=None) + delete_due(
        loose, dry_run=dry_run, user_field="user", now=now
    )
