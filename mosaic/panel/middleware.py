from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class QuarantineMiddleware:
    """P08: an account in quarantine can only be restored or signed out of, nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "scheduled_deletion_at", None) is not None:
            allowed = (reverse("panel:restore"), reverse("account_logout"), settings.STATIC_URL)
            if not request.path.startswith(allowed) and request.path != "/preferences/":
                return HttpResponseRedirect(reverse("panel:restore"))
        return self.get_response(request)
