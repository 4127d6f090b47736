from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mosaic.stats.services import FLUSH_BATCH, FLUSH_BATCHES, flush


class Command(BaseCommand):
    help = (
        "Write buffered views and clicks into the events table and the daily counts, in "
        "transactions of --batch-size events (at most --batches of them). Safe to interrupt "
        "and to run beside the scheduled stats.flush job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=FLUSH_BATCH)
        parser.add_argument("--batches", type=int, default=FLUSH_BATCHES)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = flush(batch_size=max(1, options["batch_size"]), max_batches=options["batches"])
        self.stdout.write(f"{written} events written in {time.perf_counter() - started:.3f} s")
