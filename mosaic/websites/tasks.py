"""Background work for websites; tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from mosaic.websites import services


@task()
def publish_site(site_id: int) -> None:
    """Render the site's published snapshot and switch to it (see ``publishing``)."""
    services.run_publish(site_id=site_id)
