from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django_tasks import task

from mosaic.integrations.instagram import services
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import DataDeletionRequest


@task()
def erase_instagram_data(request_id: int) -> None:
    request = DataDeletionRequest.objects.filter(pk=request_id).first()
    if request is not None:
        services.erase_instagram_data(request=request)


@task()
def run_import(run_id: int) -> None:
    """Work on one import for at most INSTAGRAM_IMPORT_POSTS_PER_TASK posts (then it queues
    itself again); a run another worker holds, or that is not due, is left alone."""
    execute(run_id=run_id, budget=settings.INSTAGRAM_IMPORT_POSTS_PER_TASK)


@task()
def delete_instagram_posts(user_id: int, before: str) -> None:
    services.delete_instagram_posts(user_id=user_id, before=datetime.fromisoformat(before))
