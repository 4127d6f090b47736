"""A test-only view that enqueues a task from a request, the way app views should."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from mosaic.jobs.tests.tasks import create_marker_user


@require_POST
def enqueue_marker(request: HttpRequest, username: str) -> HttpResponse:
    with transaction.atomic():
        # Enqueued only once the request's writes are committed, so a worker never sees a task
        # whose data could still roll back.
        transaction.on_commit(lambda: create_marker_user.enqueue(username))
    return HttpResponse(status=202)


urlpatterns = [path("enqueue/<str:username>/", enqueue_marker)]
