from __future__ import annotations

from django.apps import AppConfig


class WebsitesConfig(AppConfig):
    name = "mosaic.websites"
