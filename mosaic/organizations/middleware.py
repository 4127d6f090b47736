from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mosaic.organizations import rights
from mosaic.organizations.models import AdminAction, Membership


class SuspendedMemberMiddleware:
    """C8: a member suspended by their organization cannot sign in. Suspending ends their
    sessions; a sign-in afterwards ends here at once, signed out again, on a page that says
    who suspended the account, when and why. A suspension for security reasons is not emailed
    (P24): this page is where the member learns of it, and it counts as seen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            membership = (
                Membership.objects.filter(user_id=user.pk, suspended_at__isnull=False)
                .select_related("organization")
                .first()
            )
            if membership is not None:
                return self.refuse(request, membership)
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
