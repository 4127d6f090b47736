from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "mosaic.privacy"

    def ready(self) -> None:
        # Each app declares its personal-data categories and sweeps in its own privacy.py.
        autodiscover_modules("privacy")
