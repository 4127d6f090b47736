from __future__ import annotations

from django.apps import AppConfig


class InstagramConfig(AppConfig):
    name = "mosaic.integrations.instagram"
    label = "instagram"
    verbose_name = "Instagram"
