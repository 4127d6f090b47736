from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "mosaic.comments"

    def ready(self) -> None:
        from mosaic.comments import receivers

        receivers.connect()
