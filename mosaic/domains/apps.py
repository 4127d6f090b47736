from __future__ import annotations

from django.apps import AppConfig


class DomainsConfig(AppConfig):
    """Custom domains (a paid-plan feature): DNS verification and serving a site on its host."""

    name = "mosaic.domains"
