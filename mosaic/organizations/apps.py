from __future__ import annotations

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Organizations (C8, P24): verified email domains, their members, and admins whose every
    power and every action is shown to the member concerned."""

    name = "mosaic.organizations"

    def ready(self) -> None:
        from mosaic.organizations import reasons, signals  # noqa: F401  (reason codes, allauth)
