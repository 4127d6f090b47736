from __future__ import annotations

from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The operator screens (interface); roles and the action log are in ``mosaic.staff``."""

    name = "mosaic.operators"
