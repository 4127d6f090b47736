from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend


class Command(BaseCommand):
    help = (
        "Run background tasks with the worker of the configured task backend: django-tasks-db's "
        "db_worker by default, django-rq's rqworker when REDIS_URL is set. Stops on SIGINT or "
        "SIGTERM after the task in progress."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="The TASKS alias to work for (default: %(default)s).",
        )

    def handle(self, *args: Any, backend: str, **options: Any) -> None:
        task_backend = task_backends[backend]
        queues = sorted(task_backend.queues)
        verbosity = options["verbosity"]
        if isinstance(task_backend, DatabaseBackend):
            # No autoreload: the reloader would fork a second process that outlives a Ctrl-C.
            call_command(
                "db_worker",
                backend_name=backend,
                queue_name=",".join(queues),
                reload=False,
                verbosity=verbosity,
            )
            return
        from django_tasks_rq import RQBackend

        if isinstance(task_backend, RQBackend):
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,  # runs tasks enqueued with run_after when they are due
                verbosity=verbosity,
            )
            return
        raise CommandError(
            f"The {backend!r} task backend ({type(task_backend).__name__}) has no worker to run"
        )
