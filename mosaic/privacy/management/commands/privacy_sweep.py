from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mosaic.privacy.sweeps import sweeps


class Command(BaseCommand):
    help = "Runs every retention rule once and prints how many rows each affected."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = "Rules: " + " ".join(
            f"[{rule.promise} {rule.name}] {rule.help}" for rule in sweeps()
        )
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; change nothing."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        for rule in sweeps():
            count = rule.run(now, dry_run)
            verb = "would affect" if dry_run else "affected"
            self.stdout.write(f"{rule.promise} {rule.name}: {verb} {count} — {rule.help}")
