from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "mosaic.audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app adds the checks for its own promises in an audit_checks.py module.
        autodiscover_modules("audit_checks")
