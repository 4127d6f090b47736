"""The language a signed-in person uses, remembered on their account.

Mail to a person is written in their language. Written during their own request, that is the
active one; written by a periodic job (an inactivity warning, a policy notice, a payment
reminder) or by someone else's action (an organization admin's), it is the one stored here:
``mail.services.send`` reads ``User.language``. It is the language ``LocaleMiddleware`` chose
for the request (the language picker's cookie, else the browser's), saved only when it changed,
so a request costs one UPDATE when a person switches and nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mosaic.accounts.models import User

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def remember_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", "")
        if (
            user is not None
            and user.is_authenticated
            and language in LANGUAGES
            and user.language != language
        ):
            User.objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return get_response(request)

    return middleware
