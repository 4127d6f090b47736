from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mosaic.accounts"

    def ready(self) -> None:
        from mosaic.accounts import signals  # noqa: F401  (connects the receivers)
