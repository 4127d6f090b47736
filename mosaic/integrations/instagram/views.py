"""Thin views: the owner's Instagram page in the panel, and Meta's public callbacks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.integrations.instagram import services, signed_request
from mosaic.integrations.instagram.client import InstagramError, RateLimited
from mosaic.integrations.instagram.models import DataDeletionRequest, InstagramConnection

logger = logging.getLogger(__name__)


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    connection = InstagramConnection.objects.filter(user=signed_in_user(request)).first()
    return render(
        request,
        "instagram/panel.html",
        {
            "connection": connection,
            "configured": services.is_configured(),
            "stand_in": settings.INSTAGRAM_STAND_IN,
        },
    )


@login_required
@require_GET
def connect(request: HttpRequest) -> HttpResponse:
    if not services.is_configured():
        messages.error(request, _("Connecting Instagram is not available on this server yet."))
        return redirect("instagram:panel")
    return redirect(services.start_authorization(session=request.session))


@login_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if request.GET.get("error"):
        request.session.pop(services.STATE_SESSION_KEY, None)
        messages.info(request, _("Instagram was not connected: the request was cancelled."))
        return redirect("instagram:panel")
    try:
        connection = services.complete_authorization(
            user=signed_in_user(request),
            session=request.session,
            code=request.GET.get("code", ""),
            state=state,
        )
    except services.AuthorizationError as exc:
        messages.error(request, str(exc))
        return redirect("instagram:panel")
    except RateLimited:
        messages.error(request, _("Instagram is busy; please try again in a few minutes."))
        return redirect("instagram:panel")
    except InstagramError as exc:
        logger.warning("Instagram authorization failed: %s", exc)
        messages.error(request, _("Instagram refused the connection; please try again."))
        return redirect("instagram:panel")
    messages.success(
        request, _("Instagram account @%(username)s connected.") % {"username": connection.username}
    )
    return redirect("instagram:panel")


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    if services.disconnect(user=signed_in_user(request)):
        messages.success(request, _("Instagram disconnected. Mosaic no longer holds its token."))
    return redirect("instagram:panel")


def _signed_payload(request: HttpRequest) -> dict[str, object] | None:
    try:
        return signed_request.parse(
            request.POST.get("signed_request", ""), secret=settings.INSTAGRAM_APP_SECRET
        )
    except signed_request.InvalidSignedRequest as exc:
        logger.warning("refused a Meta callback: %s", exc)
        return None


@csrf_exempt  # Meta posts server to server; the HMAC signature is the authentication
@require_POST
def deauthorize(request: HttpRequest) -> HttpResponse:
    payload = _signed_payload(request)
    if payload is None:
        return HttpResponseBadRequest("invalid signed_request")
    services.deauthorize(instagram_user_id=str(payload["user_id"]))
    return JsonResponse({"success": True})


@csrf_exempt  # Meta posts server to server; the HMAC signature is the authentication
@require_POST
def data_deletion(request: HttpRequest) -> HttpResponse:
    payload = _signed_payload(request)
    if payload is None:
        return HttpResponseBadRequest("invalid signed_request")
    deletion = services.request_data_deletion(instagram_user_id=str(payload["user_id"]))
    status_url = settings.SITE_URL + reverse(
        "instagram_meta:deletion_status", args=[deletion.confirmation_code]
    )
    return JsonResponse({"url": status_url, "confirmation_code": deletion.confirmation_code})


@require_GET
def deletion_status(request: HttpRequest, code: str) -> HttpResponse:
    deletion = get_object_or_404(DataDeletionRequest, confirmation_code=code)
    return render(request, "instagram/deletion_status.html", {"deletion": deletion})
