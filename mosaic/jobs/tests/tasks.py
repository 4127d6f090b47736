"""Tasks used only by the tests; module-level so a worker process can import them."""

from __future__ import annotations

import os

from django_tasks import task

from mosaic.accounts.models import User


@task()
def create_marker_user(username: str) -> int:
    """Write a row the test can look for, and say which process did it."""
    User.objects.create(username=username, email=f"{username}@example.com")
    return os.getpid()


@task()
def do_nothing() -> None:
    """A periodic job for the scheduler tests."""
