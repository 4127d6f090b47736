"""``manage.py instagram_import_archive USERNAME PATH``: import a data download synchronously."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.management.commands._summary import owner, report
from mosaic.integrations.instagram.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import an Instagram data download (the ZIP in JSON format) into USERNAME's posts, now,"
        " and print a summary. Re-running with the same file changes nothing. Exits non-zero"
        " with the reason when the archive is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, username: str, path: Path, **options: Any) -> None:
        user = owner(username)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            run = runs.create_run(user=user, kind=ImportRun.Kind.ARCHIVE)
        except runs.ImportBusy as exc:
            raise CommandError(f"{username} has an import under way; try again later.") from exc
        with path.open("rb") as source:
            done = execute(run_id=run.pk, budget=None, source=source)
        report(self, done or ImportRun.objects.get(pk=run.pk))
