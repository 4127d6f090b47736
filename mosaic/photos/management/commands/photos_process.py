from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mosaic.photos.services import process_pending


class Command(BaseCommand):
    help = "Make the variants of every photo still waiting, on every core (a backlog, a re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many photos.")
        parser.add_argument("--workers", type=int, default=0, help="Threads (0: one per core).")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = process_pending(limit=options["limit"], workers=options["workers"])
        self.stdout.write(f"{counts['ready']} ready, {counts['failed']} failed")
