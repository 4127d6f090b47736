"""Doing an import run's work: the one entry point for the task and the commands."""

from __future__ import annotations

import logging
from typing import IO

from django.conf import settings

from mosaic.integrations.instagram import importer, runs, sync
from mosaic.integrations.instagram.models import ImportRun
from mosaic.photos.services import VariantMaker
from mosaic.websites.services import republish_owner_sites

logger = logging.getLogger(__name__)


def execute(
    *, run_id: int, budget: int | None, source: IO[bytes] | None = None
) -> ImportRun | None:
    """Claim the run and work on it (at most ``budget`` posts; ``None``: to the end). Returns
    the run as left, or None when it was not claimable. An unexpected error ends the run with
    a message instead of leaving it "running" (its progress is kept for a restart)."""
    run = runs.claim(run_id=run_id)
    if run is None:
        return None
    # The import stores originals without queueing a task per photo: it hands each post's to
    # this pool once the post is saved, and the pool encodes while the task goes on downloading.
    with VariantMaker(workers=settings.PHOTOS_BATCH_WORKERS, owner_id=run.user_id) as variants:
        try:
            if run.is_api:
                sync.run_sync(run=run, budget=budget, variants=variants)
            else:
                importer.run_archive(run=run, budget=budget, source=source, variants=variants)
        except Exception:
            logger.exception("Instagram import run %s stopped on an unexpected error", run.pk)
            run = ImportRun.objects.get(pk=run.pk)
            runs.fail(run=run, message=runs.UNEXPECTED)
        _variants_then_publish(run, variants)
    return run


def _variants_then_publish(run: ImportRun, variants: VariantMaker) -> None:
    """After each share of the work: the served variants of every photo imported so far (those
    still in the pool, and any the owner has waiting; a completed run made them already in
    ``runs.complete``); then, once the run has ended, the owner's sites republish, once, with
    every variant ready (posts were saved without a republish each)."""
    variants.finish()
    # The state this call left (not the table's): only the share that ended the run republishes,
    # even when a task backend runs the next share inside this one.
    if run.state in {ImportRun.State.COMPLETED, ImportRun.State.FAILED}:
        republish_owner_sites(owner_id=run.user_id)
