"""Background work for photos; tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from mosaic.photos import services


@task()
def process_photo(original_id: int) -> None:
    """Make the served variants of one original."""
    services.process_original(original_id=original_id)
