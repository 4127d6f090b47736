from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_roles(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """One group per operator role, after every migrate (as Django does for permissions)."""
    from django.contrib.auth.models import Group

    from mosaic.staff.roles import ROLES

    for name in ROLES:
        Group.objects.using(using).get_or_create(name=name)


class StaffConfig(AppConfig):
    """The staff core: operator roles, permission checks and the operator action log (P25)."""

    name = "mosaic.staff"

    def ready(self) -> None:
        post_migrate.connect(create_roles, sender=self)
