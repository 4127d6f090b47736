"""Thin views: the owner's Instagram page in the panel, and Meta's public callbacks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.accounts.models import User
from mosaic.integrations.instagram import runs, services, signed_request
from mosaic.integrations.instagram.client import InstagramError, RateLimited
from mosaic.integrations.instagram.forms import ArchiveUploadForm
from mosaic.integrations.instagram.models import (
    DataDeletionRequest,
    ImportRun,
    InstagramConnection,
)
from mosaic.organizations import rights
from mosaic.posts.models import Post

logger = logging.getLogger(__name__)


LATEST_POSTS = 12


def _progress_context(user: User) -> dict[str, object]:
    run = runs.active_run(user=user) or ImportRun.objects.filter(user=user).first()
    counts = dict(
        Post.objects.filter(owner=user)
        .values_list("source")
        .annotate(count=Count("pk"))
        .values_list("source", "count")
    )
    return {
        "run": run,
        "post_count": sum(counts.values()),
        "instagram_count": counts.get(Post.Source.INSTAGRAM, 0),
        "archive_count": counts.get(Post.Source.ARCHIVE, 0),
    }


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    return _render_panel(request, ArchiveUploadForm())


def _render_panel(request: HttpRequest, form: ArchiveUploadForm, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    connection = InstagramConnection.objects.filter(user=user).first()
    return render(
        request,
        "instagram/panel.html",
        {
            "connection": connection,
            "configured": services.is_configured(),
            "stand_in": settings.INSTAGRAM_STAND_IN,
            "form": form,
            "max_upload": settings.INSTAGRAM_ARCHIVE_MAX_BYTES,
            "latest_posts": Post.objects.filter(owner=user).with_items()[:LATEST_POSTS],
            **_progress_context(user),
        },
        status=status,
    )


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """The progress section alone: htmx polls it while an import runs."""
    return render(request, "instagram/_progress.html", _progress_context(signed_in_user(request)))


@login_required
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    connection = InstagramConnection.objects.filter(user=user).first()
    if connection is None or not connection.is_active:
        messages.error(request, _("Connect Instagram first."))
        return redirect("instagram:panel")
    try:
        run = runs.start_sync(user=user, kind=ImportRun.Kind.FULL)
    except runs.ImportBusy:
        messages.info(request, _("An import is under way; sync again once it ends."))
        return redirect("instagram:panel")
    if run.kind == ImportRun.Kind.ARCHIVE:
        messages.info(request, _("An import is under way; sync again once it ends."))
    else:
        messages.success(request, _("Syncing with Instagram."))
    return redirect("instagram:panel")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = ArchiveUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_panel(request, form, status=400)
    try:
        runs.start_archive_import(user=signed_in_user(request), upload=form.cleaned_data["archive"])
    except runs.ImportBusy:
        messages.error(request, _("An import is under way; upload again once it ends."))
        return redirect("instagram:panel")
    messages.success(request, _("Upload received. Your posts are being imported."))
    return redirect("instagram:panel")


@login_required
@require_GET
def connect(request: HttpRequest) -> HttpResponse:
    if not services.is_configured():
        messages.error(request, _("Connecting Instagram is not available on this server yet."))
        return redirect("instagram:panel")
    rights.check(signed_in_user(request), rights.INSTAGRAM)  # C8: explained, 403
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
        messages.success(
            request,
            _(
                "Instagram disconnected. Mosaic no longer holds its token, and the posts imported"
                " from it are being deleted."
            ),
        )
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
