"""What a change of plan does to an owner's sites (``billing.signals.plan_changed``).

A downgrade deletes nothing: the sites beyond the free plan's limit go offline
(``Site.plan_paused_at``; their drafts, snapshots and statistics stay) and the owner
chooses which stay online (``choose_online``); every site is rebuilt, so the "Made with
Mosaic" line follows the plan. An upgrade brings paused sites back, up to the new limit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mosaic.billing.plans import Plan, plan_for
from mosaic.websites import publishing
from mosaic.websites.exposure import refresh_media
from mosaic.websites.models import Site
from mosaic.websites.services import republish_owner_sites


class TooManySites(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _default_keep(owner_id: int, limit: int) -> list[int]:
    """Without the owner's choice: the sites online now, most recently published first."""
    sites = (
        Site.objects.live()
        .filter(owner_id=owner_id)
        .order_by(
            F("plan_paused_at").asc(nulls_first=True),
            F("published_at").desc(nulls_last=True),
            "created_at",
        )
        .values_list("pk", flat=True)
    )
    return list(sites[:limit])


def choose_online(*, owner_id: int, keep: list[int], plan: Plan | None = None) -> None:
    """Exactly the sites in ``keep`` (the owner's, at most the plan's limit) stay online;
    the owner's other live sites are paused. TooManySites beyond the limit."""
    plan = plan or plan_for(owner_id)
    if len(set(keep)) > plan.sites:
        raise TooManySites(plan.sites)
    now = timezone.now()
    with transaction.atomic():
        live = Site.objects.live().filter(owner_id=owner_id)
        pausing = list(
            live.exclude(pk__in=keep).filter(plan_paused_at__isnull=True).values_list("slug", "pk")
        )
        live.exclude(pk__in=keep).filter(plan_paused_at__isnull=True).update(
            plan_paused_at=now, published_build="", publish_pending=False
        )
        resumed = list(
            live.filter(pk__in=keep, plan_paused_at__isnull=False).values_list("pk", flat=True)
        )
        live.filter(pk__in=resumed).update(plan_paused_at=None)
        refresh_media(owner_id=owner_id, expose=False)
        for slug, _pk in pausing:
            transaction.on_commit(partial(publishing.unpublish_files, slug=slug))
        republish_owner_sites(owner_id=owner_id)


def apply_plan(*, owner_id: int, plan: Plan) -> None:
    paused = Site.objects.live().filter(owner_id=owner_id, plan_paused_at__isnull=False)
    live_count = Site.objects.live().filter(owner_id=owner_id).count()
    if live_count > plan.sites or paused.exists():
        choose_online(owner_id=owner_id, keep=_default_keep(owner_id, plan.sites), plan=plan)
    else:
        republish_owner_sites(owner_id=owner_id)  # the branding line follows the plan


def on_plan_changed(sender: Any, *, user_id: int, plan: Plan, **kwargs: Any) -> None:
    apply_plan(owner_id=user_id, plan=plan)
