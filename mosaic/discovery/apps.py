from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DiscoveryConfig(AppConfig):
    name = "mosaic.discovery"

    def ready(self) -> None:
        from mosaic.discovery import (  # noqa: F401 (registers jobs)
            periodic,
            policy_statements,
            privacy,
            schema,
        )

        # The full-text index is database-specific SQL the models cannot declare; it is made
        # after every migrate (and after the test run's table creation without migrations).
        post_migrate.connect(schema.on_post_migrate, sender=self)
