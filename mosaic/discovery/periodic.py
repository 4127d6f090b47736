"""The directory's periodic work: bounded batches, idempotent, safe to overlap."""

from __future__ import annotations

from datetime import timedelta

from mosaic.discovery import schema, services
from mosaic.jobs.registry import periodic


@periodic(name="discovery.sync_index", every=timedelta(minutes=1))
def sync_index() -> int:
    """Index sites listed or republished since the last run and delete the entries of sites
    that left the directory (P28, P31): up to 500 sites a run."""
    return services.sync_index(batch=500)


@periodic(name="discovery.similar_sites", every=timedelta(minutes=5))
def similar_sites() -> int:
    """Recompute similar sites (P18) from shared, non-sensitive tags: up to 1,000 sites a run,
    each again after DISCOVERY_SIMILAR_DAYS."""
    return services.compute_similar(batch=1000)


@periodic(name="discovery.compact_index", every=timedelta(hours=1))
def compact_index() -> None:
    """Merge the full-text index so the words of sites deleted or unlisted since the last run
    are gone from its segments too (P08, P31); SQLite only, one statement."""
    schema.compact()


@periodic(name="discovery.popular_tags", every=timedelta(minutes=5))
def popular_tags() -> int:
    """Count the tags /explore/ lists (one aggregate; the page only reads the result)."""
    return len(services.refresh_popular_tags())
