from __future__ import annotations

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "mosaic.consent"
    default_auto_field = "django.db.models.BigAutoField"
