"""Import runs: starting one, claiming it for a worker, and pausing, continuing or ending it.

A run is claimed with a conditional UPDATE (queued, paused and due, or running without a
heartbeat for ``INSTAGRAM_IMPORT_STALE_MINUTES``), so however many tasks are enqueued for it, one
worker at a time works on it. A task imports at most ``INSTAGRAM_IMPORT_POSTS_PER_TASK`` posts,
then queues the rest as a fresh task: tasks stay short, and a crash loses at most the post in
hand (each post is saved with the run's progress in one transaction).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Max, PositiveSmallIntegerField, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from mosaic.integrations.instagram import staging
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection, SeenMedia
from mosaic.lib.batches import claim_batch
from mosaic.lib.deferred import Deferred
from mosaic.photos.services import VariantMaker, delete_files
from mosaic.photos.storage import private_storage
from mosaic.posts.models import Post

if TYPE_CHECKING:
    from mosaic.accounts.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_WARNINGS = 100
UNEXPECTED = Deferred(
    gettext_noop(
        "The import stopped on an unexpected error. Start it again: what was imported stays,"
        " and nothing is imported twice."
    )
)


class ImportBusy(Exception):
    """Another import of this owner is under way."""


def active_run(*, user: User) -> ImportRun | None:
    return ImportRun.objects.filter(user=user).active().first()


def start_sync(
    *, user: User, kind: str = ImportRun.Kind.FULL, enqueue: bool = True, join: bool = True
) -> ImportRun:
    """Start syncing with Instagram, or return the import already under way (a second "Sync
    now" joins it; ``join=False`` raises ``ImportBusy`` instead). Incremental runs remember the
    newest post imported so far."""
    since = None
    if kind == ImportRun.Kind.INCREMENTAL:
        since = Post.objects.filter(owner=user, source=Post.Source.INSTAGRAM).aggregate(
            newest=Max("taken_at")
        )["newest"]
    return _create(user=user, kind=kind, since=since, enqueue=enqueue, join=join)


def create_run(*, user: User, kind: str) -> ImportRun:
    """A run for a caller that executes it itself (the commands); ``ImportBusy`` if another
    import is under way."""
    return _create(user=user, kind=kind, enqueue=False, join=False)


def start_archive_import(*, user: User, upload: IO[bytes]) -> ImportRun:
    """Keep the uploaded data download privately (P05) and import it in the background.
    Raises ``ImportBusy`` while another import runs (the file is then not kept)."""
    if active_run(user=user) is not None:
        raise ImportBusy
    storage = private_storage()
    name = storage.save(f"instagram-uploads/{secrets.token_hex(16)}.zip", File(upload))
    try:
        run = _create(user=user, kind=ImportRun.Kind.ARCHIVE, upload_name=name, join=False)
    except BaseException:
        delete_files(storage, [name])
        raise
    return run


def _create(
    *,
    user: User,
    kind: str,
    since: datetime | None = None,
    upload_name: str = "",
    enqueue: bool = True,
    join: bool = True,
) -> ImportRun:
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                user=user, kind=kind, since=since, upload_name=upload_name
            )
    except IntegrityError:  # one active import per owner (a database constraint)
        existing = active_run(user=user)
        if existing is None or not join:
            raise ImportBusy from None
        return existing
    if enqueue:
        transaction.on_commit(partial(enqueue_run, run.pk))
    return run


def enqueue_run(run_id: int) -> None:
    from mosaic.integrations.instagram.tasks import run_import

    run_import.enqueue(run_id)


def claim(*, run_id: int) -> ImportRun | None:
    """Take the run for this worker, or None when it is not due or another worker has it."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.INSTAGRAM_IMPORT_STALE_MINUTES)
    claimed = (
        ImportRun.objects.filter(pk=run_id)
        .filter(
            Q(state=ImportRun.State.QUEUED)
            | Q(state=ImportRun.State.PAUSED, resume_after__lte=now)
            | Q(state=ImportRun.State.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            # A run found without heartbeat crashed its worker: count it, so a post that kills
            # the worker every time ends the run instead of looping.
            attempts=Case(
                When(state=ImportRun.State.RUNNING, then=F("attempts") + 1),
                default=F("attempts"),
                output_field=PositiveSmallIntegerField(),
            ),
            state=ImportRun.State.RUNNING,
            heartbeat_at=now,
            started_at=Coalesce("started_at", now),
        )
    )
    if not claimed:
        return None
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.attempts >= MAX_ATTEMPTS:
        fail(run=run, message=UNEXPECTED)
        return None
    return run


def save_progress(run: ImportRun, *fields: str) -> None:
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*fields, "heartbeat_at"])


def warn(run: ImportRun, message: str | Deferred) -> None:
    """Note something skipped (kept short: the panel and the command show these). A
    ``Deferred`` is stored as its message and values, so the panel shows it in the reader's
    language (``ImportRun.warning_texts``)."""
    stored = _stored(message)
    if len(run.warnings) < MAX_WARNINGS and stored not in run.warnings:
        run.warnings.append(stored)


def _stored(message: str | Deferred) -> str | dict[str, Any]:
    """A text for the run's JSON columns: a ``Deferred`` as its message and values (shown in
    the reader's language), a plain text cut short."""
    return message.as_json() if isinstance(message, Deferred) else message[:300]


def continue_later(run: ImportRun) -> None:
    """This task's share is done; a fresh task takes the rest."""
    run.state = ImportRun.State.QUEUED
    save_progress(run, "state", "cursor", "done", "total", "warnings", "attempts")
    transaction.on_commit(partial(enqueue_run, run.pk))


def pause(run: ImportRun, *, seconds: int, message: str | Deferred) -> None:
    """Wait (a rate limit, a hiccup on Instagram's side); the periodic job resumes the run."""
    run.state = ImportRun.State.PAUSED
    run.resume_after = timezone.now() + timedelta(seconds=max(1, seconds))
    run.error = _stored(message)
    save_progress(run, "state", "resume_after", "error", "attempts", "warnings")


def retry_later(run: ImportRun, *, message: str | Deferred) -> None:
    """A failure that may pass: back off 2, 4, 8... minutes, and give up after MAX_ATTEMPTS."""
    run.attempts += 1
    if run.attempts >= MAX_ATTEMPTS:
        fail(run=run, message=message)
        return
    pause(run, seconds=60 * 2**run.attempts, message=message)


def fail(*, run: ImportRun, message: str | Deferred) -> None:
    _end(run, ImportRun.State.FAILED, message)


def complete(run: ImportRun, *, variants: VariantMaker) -> None:
    """The run is done once the photos it brought are served too: the pool's last variants (and
    any other the owner has waiting) are made first, while the panel still shows the run going
    on."""
    save_progress(run, "done", "created", "updated", "removed", "media", "warnings")
    variants.finish()
    if run.total is None or run.total < run.done:
        run.total = run.done
    _end(run, ImportRun.State.COMPLETED, "")


def _end(run: ImportRun, state: str, message: str | Deferred) -> None:
    """Finish the run; the uploaded ZIP is deleted either way (P05: kept only to import it)."""
    run.state = state
    run.error = _stored(message)
    run.finished_at = timezone.now()
    run.resume_after = None
    save_progress(
        run,
        "state",
        "error",
        "finished_at",
        "resume_after",
        "total",
        "done",
        "created",
        "updated",
        "removed",
        "media",
        "warnings",
        "attempts",
    )
    SeenMedia.objects.filter(run=run).delete()
    delete_upload(run)


def delete_upload(run: ImportRun) -> None:
    if run.upload_name:
        name = run.upload_name
        ImportRun.objects.filter(pk=run.pk).update(upload_name="")
        run.upload_name = ""
        staged = staging.staged_name(name)  # the upload's posts, staged by its import
        transaction.on_commit(partial(delete_files, private_storage(), [name, staged]))


def cancel(*, user: User, kinds: tuple[str, ...], message: str | Deferred) -> int:
    """End the owner's active imports of these kinds (on disconnect or account deletion)."""
    count = 0
    for run in ImportRun.objects.filter(user=user, kind__in=kinds).active():
        fail(run=run, message=message)
        count += 1
    return count


def resume_due(*, batch_size: int = 200) -> int:
    """Enqueue paused runs whose wait is over and runs whose worker stopped (the task's claim
    makes a second enqueue harmless). Returns how many were enqueued."""
    ids = list(
        ImportRun.objects.resumable()
        .order_by("resume_after", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    for run_id in ids:
        enqueue_run(run_id)
    return len(ids)


def start_due_syncs(*, batch_size: int = 500) -> int:
    """Claim one bounded batch of due active connections and start a sync for each:
    incremental, or full once ``INSTAGRAM_FULL_SYNC_INTERVAL_HOURS`` have passed since the last
    full one. The claim moves ``next_sync_at`` forward (``claim_batch``: an index scan on
    status and ``next_sync_at``, so it costs the same with ten thousand connections or a
    million). Returns how many started; the periodic job takes batches while time is left."""
    now = timezone.now()
    due = InstagramConnection.objects.filter(
        status=InstagramConnection.Status.ACTIVE,
        next_sync_at__lte=now,
        user__is_active=True,  # P10: a blocked account is not synced, nor claimed
    ).order_by("next_sync_at")
    claimed = claim_batch(
        due,
        size=batch_size,
        next_sync_at=now + timedelta(hours=settings.INSTAGRAM_SYNC_INTERVAL_HOURS),
    )
    full_due = now - timedelta(hours=settings.INSTAGRAM_FULL_SYNC_INTERVAL_HOURS)
    started = 0
    for connection in InstagramConnection.objects.filter(pk__in=claimed).select_related("user"):
        full = connection.last_full_sync_at is None or connection.last_full_sync_at <= full_due
        kind = ImportRun.Kind.FULL if full else ImportRun.Kind.INCREMENTAL
        start_sync(user=connection.user, kind=kind)
        started += 1
    return started
