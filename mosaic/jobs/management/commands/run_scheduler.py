from __future__ import annotations

import logging
import signal
import threading
from argparse import ArgumentParser, ArgumentTypeError
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from mosaic.jobs import services
from mosaic.jobs.registry import registered_jobs

logger = logging.getLogger("mosaic.jobs.scheduler")


def at_least_one_second(value: str) -> float:
    seconds = float(value)
    if not seconds >= 1:  # also refuses nan
        raise ArgumentTypeError(f"{value} is not a number of seconds of at least 1")
    return seconds


class Command(BaseCommand):
    help = (
        "Enqueue each periodic job (see docs/operations.md) when it is due, until SIGINT or "
        "SIGTERM. Several schedulers may run at once: each due run is enqueued exactly once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due, then exit.")
        parser.add_argument(
            "--max-sleep",
            type=at_least_one_second,
            default=30.0,
            help="Longest wait in seconds between two looks at the schedule (default: 30).",
        )

    def handle(self, *args: Any, once: bool, max_sleep: float, **options: Any) -> None:
        if once:
            if not self.tick():
                raise CommandError("Could not read the schedule; see the log above")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("Scheduler stopping (%s)", signal.strsignal(signum))
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        names = ", ".join(job.name for job in registered_jobs()) or "none"
        logger.info("Scheduler started; periodic jobs: %s", names)
        while not stop.is_set():
            close_old_connections()  # like a request: drop connections that broke while idle
            self.tick()
            stop.wait(self.seconds_to_sleep(max_sleep))
        logger.info("Scheduler stopped")

    def tick(self) -> bool:
        # A database that is briefly unreachable must not end the loop: the next tick retries.
        try:
            for name in services.enqueue_due_jobs():
                logger.info("Enqueued periodic job %s", name)
        except DatabaseError:
            logger.exception("Scheduler could not read the schedule; retrying")
            return False
        return True

    def seconds_to_sleep(self, max_sleep: float) -> float:
        try:
            until_due = services.time_until_next_due()
        except DatabaseError:
            return max_sleep
        if until_due is None:
            return max_sleep
        # At least a second, so a job the queue keeps refusing cannot make the loop spin.
        return min(max(until_due.total_seconds(), 1.0), max_sleep)
