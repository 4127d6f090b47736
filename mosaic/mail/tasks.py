from __future__ import annotations

from django_tasks import task

from mosaic.mail import services


@task()
def deliver_email(*, delivery_id: int) -> str:
    """Send one queued email; the delivery record owns its retries (see ``mail.services``)."""
    return services.deliver(delivery_id=delivery_id)
