from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class WebsitesConfig(AppConfig):
    name = "mosaic.websites"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from mosaic.billing.signals import plan_changed
        from mosaic.organizations import events
        from mosaic.websites import avatars  # noqa: F401  (tells photos what snapshots name)
        from mosaic.websites.plans import on_plan_changed

        plan_changed.connect(on_plan_changed, dispatch_uid="websites.plans")
        events.member_offline.connect(_member_offline, dispatch_uid="websites.member_offline")
        events.member_online.connect(_member_online, dispatch_uid="websites.member_online")
        # Other apps' sections of the photo pages (``websites.sections``): their plug-ins.
        autodiscover_modules("site_sections")


def _member_offline(sender: Any, user_id: int, **kwargs: Any) -> None:
    """C8: a member suspended by their organization: their sites go offline at once."""
    from mosaic.websites.services import take_owner_offline

    take_owner_offline(owner_id=user_id)


def _member_online(sender: Any, user_id: int, **kwargs: Any) -> None:
    """C8: the suspension ended: their sites are published again."""
    from mosaic.websites.services import republish_owner_sites

    republish_owner_sites(owner_id=user_id)
