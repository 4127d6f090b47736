"""``manage.py instagram_sync USERNAME [--full]``: sync one account with Instagram now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.management.commands._summary import owner, report
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection


class Command(BaseCommand):
    help = (
        "Import USERNAME's new Instagram posts now (--full: every post, and remove those"
        " deleted on Instagram), and print a summary. Exits non-zero when Instagram is not"
        " connected, refuses the token (error 190) or rate-limits the sync (it is then resumed"
        " by the scheduler)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full", action="store_true", help="read every post")

    def handle(self, *args: Any, username: str, full: bool, **options: Any) -> None:
        user = owner(username)
        connection = InstagramConnection.objects.filter(user=user).first()
        if connection is None or not connection.is_active:
            raise CommandError(f"{username} has no working Instagram connection.")
        kind = ImportRun.Kind.FULL if full else ImportRun.Kind.INCREMENTAL
        try:
            run = runs.start_sync(user=user, kind=kind, enqueue=False, join=False)
        except runs.ImportBusy as exc:
            raise CommandError(f"{username} has an import under way; try again later.") from exc
        done = execute(run_id=run.pk, budget=None)
        report(self, done or ImportRun.objects.get(pk=run.pk))
