"""Personal-data category for the Instagram connection and imports (P01, P02, P05, P08, P20)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from mosaic.accounts.models import User
from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.integrations.instagram.services import disconnect
from mosaic.lib.deferred import Deferred
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import apply_to_due, sweep

IMPORT_RECORD_DAYS = 30


@register
class InstagramData(Category):
    key = "instagram"
    title = _("Instagram connection")
    description = _(
        "Your Instagram account id and username, and the access token Instagram gave us"
        " (stored encrypted). Never your Instagram password."
    )
    purpose = _("To import your posts and pick up new ones.")
    legal_basis = _("Contract: you asked us to build your site from your Instagram account.")
    holdings = (
        Holding(
            "instagram.InstagramConnection",
            ("user", "instagram_user_id", "username", "access_token", "refresh_error"),
        ),
        Holding("instagram.DataDeletionRequest", ("instagram_user_id",)),
        Holding("instagram.ImportRun", ("user", "cursor", "upload_name", "warnings", "error")),
        Holding("instagram.SeenMedia", ("external_id",)),
    )

    def retention(self) -> Text:
        return _(
            "Until you disconnect Instagram or delete your account; a deletion request from"
            " Instagram keeps only its confirmation code and dates once done. An uploaded data"
            " download is deleted as soon as its import ends; the record of an import (dates,"
            " counts, messages) %(days)s days after it ends."
        ) % {"days": IMPORT_RECORD_DAYS}

    def export(self, user: User) -> dict[str, Any] | None:
        connection = InstagramConnection.objects.filter(user=user).first()
        imports = [
            {
                "kind": run.kind,
                "state": run.state,
                "created_at": run.created_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "posts": run.done,
                "warnings": run.warning_texts(),
                "error": run.error_text,
            }
            for run in ImportRun.objects.filter(user=user).order_by("created_at")
        ]
        if connection is None and not imports:
            return None
        return {
            "connection": {
                "instagram_user_id": connection.instagram_user_id,
                "username": connection.username,
                "status": connection.status,
                "connected_at": connection.connected_at.isoformat(),
                "token_expires_at": connection.token_expires_at.isoformat(),
                "last_refresh_problem": connection.refresh_error,
            }
            if connection
            else None,
            "imports": imports,
        }

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The posts themselves are erased by the posts category."""
        ids = [user.pk for user in users]
        erased = 0
        for connection in InstagramConnection.objects.filter(user__any=ids).select_related("user"):
            erased += int(disconnect(user=connection.user, delete_posts=False))
        for run in ImportRun.objects.filter(user__any=ids):
            runs.delete_upload(run)
            run.delete()
            erased += 1
        return erased

    def quarantine(self, user: User) -> None:
        """P08: a deleted account's Instagram connection is revoked at once and its imports
        stop; its posts go offline with the account and come back if it is restored."""
        disconnect(user=user, delete_posts=False)
        runs.cancel(
            user=user,
            kinds=tuple(ImportRun.Kind.values),
            message=Deferred(gettext_noop("The account is closed.")),
        )


exempt(
    "instagram.DataDeletionRequest",
    ("confirmation_code",),
    reason="A random code Meta shows the person to look up their request; it identifies no one.",
)


@sweep(
    name="instagram-import-records",
    promise="P05",
    help=f"Deletes the record of each Instagram import {IMPORT_RECORD_DAYS} days after it ended"
    " (with its uploaded file, if one is still there).",
)
def delete_old_import_records(now: dt.datetime, dry_run: bool) -> int:
    def remove(run: ImportRun) -> None:
        runs.delete_upload(run)
        run.delete()

    due = ImportRun.objects.filter(finished_at__lte=now - timedelta(days=IMPORT_RECORD_DAYS))
    return apply_to_due(due, remove, dry_run=dry_run)
