from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mosaic.audit.services import report_lines, run_audit


class Command(BaseCommand):
    help = (
        "Checks the live data against every promise that can be checked (no quarantine past its"
        " date, no plaintext token, every cookie declared, ...), prints one line per promise"
        " id, stores the result for operators, and exits non-zero on any breach."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_audit()
        for line in report_lines(run):
            self.stdout.write(line)
        if not run.ok:
            raise CommandError(f"{run.breached} promise(s) breached", returncode=1)
