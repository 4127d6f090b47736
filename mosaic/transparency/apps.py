from __future__ import annotations

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """The transparency report (P26): legal requests, blocks and abuse reports per half-year."""

    name = "mosaic.transparency"
