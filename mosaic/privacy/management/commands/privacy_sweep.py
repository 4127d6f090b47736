from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mosaic.privacy.sweep_runs import run_sweeps
from mosaic.privacy.sweeps import sweeps


class Command(BaseCommand):
    help = (
        "Runs every retention rule now, each on its own, and prints how many rows each"
        " affected; a rule that fails is reported (and retried by the scheduler) while the"
        " others go on. Exits 1 if one failed."
    )

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
        if dry_run:
            for rule in sweeps():
                count = rule.run(now, True)
                self.stdout.write(f"{rule.promise} {rule.name}: would affect {count} — {rule.help}")
            return
        failed = []
        for outcome in run_sweeps(now=now, due_only=False):
            rule = outcome.rule
            if outcome.skipped:
                self.stdout.write(f"{rule.promise} {rule.name}: running elsewhere, left to it")
            elif outcome.error:
                failed.append(rule.name)
                self.stdout.write(
                    f"{rule.promise} {rule.name}: FAILED ({outcome.error}); the scheduler"
                    " retries it with back-off"
                )
            else:
                self.stdout.write(
                    f"{rule.promise} {rule.name}: affected {outcome.rows} — {rule.help}"
                )
        if failed:
            raise CommandError(f"{len(failed)} retention rule(s) failed: {', '.join(failed)}")
