from __future__ import annotations

from django.apps import AppConfig


class ControllerConfig(AppConfig):
    """Who runs Mosaic, and the notice every user gets if that changes (P27)."""

    name = "mosaic.controller"
