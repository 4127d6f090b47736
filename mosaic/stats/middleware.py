from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

PREFIX = "/_m/"


class CountingPathMiddleware:
    """Answer the counting endpoints (``/_m/``) before any other middleware runs.

    First in ``MIDDLEWARE``, so the session, CSRF, language and allauth's session-tracking
    middleware never see these requests: no cookie can be set or refreshed, no session
    touched, and no address recorded by session tracking (P12, P13). It is also the cheapest
    path through Django, which matters for a request on every page view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return HttpResponse("Not found.", status=404, content_type="text/plain")
        if request.method not in ("GET", "HEAD"):
            return HttpResponse("Method not allowed.", status=405, content_type="text/plain")
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response
