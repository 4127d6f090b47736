from __future__ import annotations

from django_tasks import task

from mosaic.integrations.instagram import services
from mosaic.integrations.instagram.models import DataDeletionRequest


@task()
def erase_instagram_data(request_id: int) -> None:
    request = DataDeletionRequest.objects.filter(pk=request_id).first()
    if request is not None:
        services.erase_instagram_data(request=request)
