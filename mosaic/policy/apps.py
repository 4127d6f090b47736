from __future__ import annotations

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "mosaic.policy"
    default_auto_field = "django.db.models.BigAutoField"
