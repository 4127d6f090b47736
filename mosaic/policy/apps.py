from __future__ import annotations

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "mosaic.policy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Every app's ``policy_statements`` module declares what the policy page says of it
        (``mosaic.policy.statements``)."""
        from django.utils.module_loading import autodiscover_modules

        from mosaic.policy import statements  # noqa: F401 (the core statements)

        autodiscover_modules("policy_statements")
