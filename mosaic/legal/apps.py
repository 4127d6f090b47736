from __future__ import annotations

from django.apps import AppConfig


class LegalConfig(AppConfig):
    """Legal requests from authorities and what was disclosed against them (P15, P26)."""

    name = "mosaic.legal"
