from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mosaic.organizations import rights
from mosaic.organizations.models import AdminAction, Membership

#: Set in the session by the sign-in of a suspended member (``signals.refuse_suspended``).
SUSPENDED_FLAG = "organizations.suspended"


def suspended(user_id: int) -> bool:
    """One indexed lookup by the unique ``user_id``."""
    return Membership.objects.filter(user_id=user_id, suspended_at__isnull=False).exists()


class SuspendedMemberMiddleware:
    """C8: a member suspended by their organization cannot sign in.

    Suspending ends every session of theirs (``powers.suspend``), so only a new sign-in can
    make one, and the sign-in asks the database once (``signals``), marking the session. Every
    request then reads that mark, a dictionary lookup: no query per request (bench:
    organizations.suspension_check_us). A marked session ends here at once, signed out, on a
    page that says who suspended the account, when and why. A suspension for security reasons
    is not emailed (P24): this page is where the member learns of it, and it counts as seen.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SUSPENDED_FLAG) and request.user.is_authenticated:
            membership = (
                Membership.objects.select_related("organization")
                .filter(user_id=request.user.pk)
                .first()
            )
            if membership is not None and membership.suspended_at is not None:
                return self.refuse(request, membership)
            del request.session[SUSPENDED_FLAG]  # lifted meanwhile
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """C8: a restriction that bites in any view is explained, not a bare 403."""
        if isinstance(exception, rights.Restricted):
            context = {"message": exception.message, "label": rights.LABELS[exception.right]}
            return render(request, "organizations/restricted.html", context, status=403)
        return None

    def refuse(self, request: HttpRequest, membership: Membership) -> HttpResponse:
        action = (
            AdminAction.objects.filter(member_id=membership.user_id, kind=AdminAction.Kind.SUSPEND)
            .order_by("-at")
            .first()
        )
        if action is not None and action.seen_at is None:
            AdminAction.objects.filter(pk=action.pk).update(seen_at=timezone.now())
        for _message in messages.get_messages(request):
            pass  # "Signed in as ..." would be untrue: drop what the sign-in queued
        logout(request)
        context = {
            "membership": membership,
            "organization": membership.organization,
            "action": action,
        }
        return render(request, "organizations/suspended.html", context, status=403)
