from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mosaic.stats.endpoints import PREFIX, answer, as_response


class CountingPathMiddleware:
    """Answer the counting endpoints (``/_m/``) before any other middleware runs.

    ``mosaic.wsgi`` already answers them ahead of Django; this covers every other way a
    request reaches Django (the test client, an ASGI or custom server). First in
    ``MIDDLEWARE``, so the session, CSRF, language and allauth's session-tracking middleware
    never see these requests: no cookie can be set or refreshed, no session touched, and no
    address recorded by session tracking (P12, P13).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        return as_response(answer(request.META))
