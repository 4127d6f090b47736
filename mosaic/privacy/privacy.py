"""Declarations for framework tables that no single Mosaic app owns."""

from __future__ import annotations

from mosaic.privacy.registry import exempt

exempt(
    "django_tasks_database.DBTaskResult",
    None,
    reason=(
        "The task queue: tasks take database ids, never personal values, and finished rows"
        " are pruned by a periodic job."
    ),
)
