"""Who may open an operator screen (C7, P25), and the audit entry a look at personal data writes.

1. Somebody who holds no operator role gets 404 at every ``/operators/`` address, as if the
   screens did not exist.
2. An operator without a second factor gets a page that says to set one up (403): no operator
   screen opens on a password alone.
3. An operator without the screen's role gets 403.
4. A screen that shows personal data writes an audit entry each time it is opened (P25).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.accounts.decorators import signed_in_user
from mosaic.staff.roles import has_role, has_second_factor, roles_of
from mosaic.staff.services import record_action

View = TypeVar("View", bound=Callable[..., HttpResponse])


def operator_view(role: str | None, *, shows: str = "") -> Callable[[View], View]:
    """Guard an operator screen for ``role`` (None: any operator); ``shows`` names the personal
    data the screen lists, and makes opening it (GET) an audited action."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user):
                raise Http404
            if not has_second_factor(request.user):
                return render(request, "operators/second_factor.html", status=403)
            if role is not None and not has_role(request.user, role):
                raise PermissionDenied
            if shows and role is not None and request.method == "GET":
                record_action(
                    actor=signed_in_user(request),
                    role=role,
                    action=f"view {shows}",
                    target=f"screen:{request.path}"[:120],
                    reason=f"opened the screen listing {shows}",
                )
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
