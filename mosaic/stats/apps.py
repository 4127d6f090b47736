from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "mosaic.stats"

    def ready(self) -> None:
        from mosaic.stats import periodic, privacy  # noqa: F401 (registers jobs and sweeps)
