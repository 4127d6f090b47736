"""Connecting, refreshing and disconnecting Instagram, and acting on Meta's callbacks.

P02: the only credential Mosaic ever holds for Instagram is the OAuth access token, stored
encrypted (see ``InstagramConnection``); the owner types their Instagram password only on
Instagram's own page.
"""

from __future__ import annotations

import logging
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mosaic.accounts.models import User
from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.client import (
    InstagramClient,
    InstagramError,
    InvalidToken,
    RateLimited,
)
from mosaic.integrations.instagram.models import (
    DataDeletionRequest,
    ImportRun,
    InstagramConnection,
)
from mosaic.lib.batches import claim_batch
from mosaic.lib.deferred import Deferred
from mosaic.lib.safe_http import Fetched, FetchPolicy, fetch
from mosaic.mail.services import send
from mosaic.organizations import rights
from mosaic.posts.models import Post
from mosaic.posts.services import delete_post

logger = logging.getLogger(__name__)

STATE_SESSION_KEY = "instagram_oauth_state"
STATE_MAX_AGE = 15 * 60


class AuthorizationError(Exception):
    """The OAuth round trip cannot be completed; the message is shown to the owner."""


def is_configured() -> bool:
    return bool(settings.INSTAGRAM_APP_ID and settings.INSTAGRAM_APP_SECRET)


def redirect_uri() -> str:
    return settings.SITE_URL + reverse("instagram:callback")


def start_authorization(*, session: SessionBase) -> str:
    """Remember a fresh single-use ``state`` in the owner's session; return Instagram's URL."""
    state = secrets.token_urlsafe(32)
    session[STATE_SESSION_KEY] = {"value": state, "at": int(time.time())}
    return InstagramClient.authorize_url(state=state, redirect_uri=redirect_uri())


def check_state(*, session: SessionBase, state: str) -> None:
    """The state must be the one this session started with, unused and recent (CSRF on OAuth)."""
    remembered: Any = session.pop(STATE_SESSION_KEY, None)  # single use, match or not
    if not isinstance(remembered, dict) or not state:
        raise AuthorizationError(_("This Instagram sign-in was not started here, or was used up."))
    if not secrets.compare_digest(str(remembered.get("value", "")), state):
        raise AuthorizationError(_("This Instagram sign-in does not match the one you started."))
    if int(time.time()) - int(remembered.get("at", 0)) > STATE_MAX_AGE:
        raise AuthorizationError(_("This Instagram sign-in took too long; please start again."))


def complete_authorization(
    *, user: User, session: SessionBase, code: str, state: str
) -> InstagramConnection:
    """1. check the state; 2. exchange the code for a short-lived token; 3. swap it for the
    60-day token; 4. read the account id and username; 5. store the connection; 6. start the
    first full sync (the periodic sync takes over from there). C8: refused while the
    user's organization forbids connecting Instagram (``rights.Restricted``)."""
    rights.check(user, rights.INSTAGRAM)
    check_state(session=session, state=state)
    if not code:
        raise AuthorizationError(_("Instagram did not send an authorization code."))
    with InstagramClient() as client:
        short = client.exchange_code(code=code, redirect_uri=redirect_uri())
        long = client.long_lived(short_lived_token=short.access_token)
        profile = client.me(token=long.access_token)
    connection, _created = InstagramConnection.objects.update_or_create(
        user=user,
        defaults={
            "instagram_user_id": profile.user_id,
            "username": profile.username,
            "access_token": long.access_token,
            "token_issued_at": timezone.now(),
            "token_expires_at": long.expires_at,
            "status": InstagramConnection.Status.ACTIVE,
            "connected_at": timezone.now(),
            "broken_at": None,
            "next_sync_at": timezone.now()
            + timedelta(hours=settings.INSTAGRAM_SYNC_INTERVAL_HOURS),
        },
    )
    runs.start_sync(user=user, kind=ImportRun.Kind.FULL)
    return connection


def disconnect(*, user: User, delete_posts: bool = True) -> bool:
    """Forget the connection and its token, stop its syncs, and (P05) delete the posts imported
    from Instagram's API, in a task once this commits. Posts from an uploaded data download
    stay: the owner gave us those files, and removes them like any post (P07).
    ``delete_posts=False`` is for callers that handle posts themselves (account deletion)."""
    with transaction.atomic():
        deleted, _by_model = InstagramConnection.objects.filter(user=user).delete()
        runs.cancel(
            user=user,
            kinds=(ImportRun.Kind.FULL, ImportRun.Kind.INCREMENTAL),
            message=Deferred(gettext_noop("Instagram was disconnected.")),
        )
        if delete_posts and deleted:
            transaction.on_commit(partial(_enqueue_post_deletion, user.pk, timezone.now()))
    return deleted > 0


def _enqueue_post_deletion(user_id: int, before: datetime) -> None:
    from mosaic.integrations.instagram.tasks import delete_instagram_posts

    delete_instagram_posts.enqueue(user_id, before.isoformat())


def delete_instagram_posts(*, user_id: int, before: datetime | None = None) -> int:
    """P05: delete the posts imported from Instagram's API for this owner (those saved before
    ``before``, so a reconnection right after keeps its fresh import), with their files."""
    posts = Post.objects.filter(owner_id=user_id, source=Post.Source.INSTAGRAM)
    if before is not None:
        posts = posts.filter(created_at__lte=before)
    deleted = 0
    for post in Post.objects.filter(pk__in=list(posts.values_list("pk", flat=True))):
        delete_post(post=post)
        deleted += 1
    return deleted


def mark_broken(*, connection: InstagramConnection) -> None:
    """Error 190: the token is dead. Drop it, show "reconnect" in the panel, tell the owner
    (only the first to notice writes the email, in the same transaction)."""
    with transaction.atomic():
        updated = InstagramConnection.objects.filter(
            pk=connection.pk, status=InstagramConnection.Status.ACTIVE
        ).update(
            status=InstagramConnection.Status.BROKEN, access_token="", broken_at=timezone.now()
        )
        if updated:
            _email_broken(connection)
    connection.refresh_from_db()


def _email_broken(connection: InstagramConnection) -> None:
    user = connection.user
    if not user.email:
        return
    context = {
        "user": user,
        "username": connection.username,
        "panel_url": settings.SITE_URL + reverse("instagram:panel"),
    }
    send("instagram/email/connection_broken", to=user.email, user=user, context=context)


def refresh_token(
    *, connection: InstagramConnection, client: InstagramClient | None = None
) -> None:
    """Swap the token for a fresh 60-day one; error 190 marks the connection broken. The HTTP
    call runs outside any transaction (on SQLite a write transaction would block every other
    write for as long as Instagram takes to answer)."""
    with nullcontext(client) if client else InstagramClient() as http:
        try:
            fresh = http.refresh(token=connection.access_token)
        except InvalidToken:
            mark_broken(connection=connection)
            raise
    connection.access_token = fresh.access_token
    connection.token_issued_at = timezone.now()
    connection.token_expires_at = fresh.expires_at
    connection.refresh_failures, connection.refresh_retry_at, connection.refresh_error = 0, None, ""
    connection.save(
        update_fields=[
            "access_token",
            "token_issued_at",
            "token_expires_at",
            "refresh_failures",
            "refresh_retry_at",
            "refresh_error",
        ]
    )


def valid_token(*, connection: InstagramConnection) -> str:
    """The token to call Instagram with, refreshed first when it is due."""
    if connection.needs_refresh():
        refresh_token(connection=connection)
    return connection.access_token


@dataclass
class RefreshReport:
    claimed: int = 0
    refreshed: int = 0
    broken: int = 0
    failed: int = 0
    rate_limited: bool = False


#: A claimed connection is left to its claimer this long (a worker killed mid-batch gives it
#: back after this).
REFRESH_CLAIM = timedelta(minutes=10)


def refresh_expiring_tokens(*, batch_size: int = 200) -> RefreshReport:
    """One batch of the periodic job: refresh active tokens older than 24 h that expire within
    10 days.

    1. Claim up to ``batch_size`` due connections, soonest expiry first (``claim_batch``: the
       claim moves ``refresh_retry_at`` forward, so two runs never take the same one).
    2. Refresh each outside any transaction. A refreshed token is no longer due; error 190
       marks the connection broken and emails the owner; any other failure backs the
       connection off (15 minutes, doubling up to a day) and shows the reason in its owner's
       panel, so failing connections never crowd out the rest.
    3. A rate limit stops the batch and hands the unrefreshed claims back for when Instagram
       allows calls again.
    """
    report = RefreshReport()
    now = timezone.now()
    claimed = claim_batch(
        InstagramConnection.objects.due_for_refresh().order_by("token_expires_at"),
        size=batch_size,
        refresh_retry_at=now + REFRESH_CLAIM,
    )
    report.claimed = len(claimed)
    connections = InstagramConnection.objects.filter(pk__in=claimed).select_related("user")
    handled: set[int] = set()
    with InstagramClient() as client:
        for connection in connections:
            try:
                refresh_token(connection=connection, client=client)
            except InvalidToken:
                report.broken += 1
            except RateLimited as exc:
                report.rate_limited = True
                InstagramConnection.objects.filter(pk__in=set(claimed) - handled).update(
                    refresh_retry_at=timezone.now() + timedelta(seconds=exc.retry_after)
                )
                break
            except InstagramError as exc:
                _refresh_failed(connection, str(exc))
                report.failed += 1
            except Exception:
                logger.exception("refreshing Instagram connection %s failed", connection.pk)
                _refresh_failed(connection, "an unexpected error on Mosaic's side")
                report.failed += 1
            else:
                report.refreshed += 1
            handled.add(connection.pk)
    return report


def _refresh_failed(connection: InstagramConnection, reason: str) -> None:
    connection.refresh_failures += 1
    logger.warning(
        "refreshing Instagram connection %s failed (%s in a row): %s",
        connection.pk,
        connection.refresh_failures,
        reason,
    )
    connection.refresh_retry_at = timezone.now() + connection.refresh_backoff()
    connection.refresh_error = reason[:300]
    connection.save(update_fields=["refresh_failures", "refresh_retry_at", "refresh_error"])


def deauthorize(*, instagram_user_id: str, delete_posts: bool = True) -> int:
    """Meta says the person removed our app: disconnect every owner connected to that account,
    which deletes what was imported from it (P05)."""
    connections = InstagramConnection.objects.filter(
        instagram_user_id=instagram_user_id
    ).select_related("user")
    return sum(disconnect(user=c.user, delete_posts=delete_posts) for c in connections)


def request_data_deletion(*, instagram_user_id: str) -> DataDeletionRequest:
    """Record Meta's deletion request and erase the data once the request is committed."""
    from mosaic.integrations.instagram.tasks import erase_instagram_data

    request = DataDeletionRequest.objects.create(instagram_user_id=instagram_user_id)
    transaction.on_commit(lambda: erase_instagram_data.enqueue(request.pk))
    return request


def erase_instagram_data(*, request: DataDeletionRequest) -> None:
    """Delete everything obtained from Instagram's API for that Instagram account (the
    connection, its token, and the posts imported through the API with their photos, videos
    and comments: P05), then close the request, keeping only its code and dates (the account id
    is cleared too). Posts from a data download the owner uploaded are not API data and stay
    under the owner's control (P07)."""
    if request.state == DataDeletionRequest.State.COMPLETED:
        return
    with transaction.atomic():
        user_ids = list(
            InstagramConnection.objects.filter(
                instagram_user_id=request.instagram_user_id
            ).values_list("user_id", flat=True)
        )
        deauthorize(instagram_user_id=request.instagram_user_id, delete_posts=False)
        for user_id in user_ids:
            delete_instagram_posts(user_id=user_id)
        request.state = DataDeletionRequest.State.COMPLETED
        request.completed_at = timezone.now()
        request.instagram_user_id = ""
        request.save(update_fields=["state", "completed_at", "instagram_user_id"])


def media_fetch_policy() -> FetchPolicy:
    """Where Instagram media may be fetched from. The insecure switch (http, loopback) exists
    for the local stand-in only and is refused in production."""
    if settings.INSTAGRAM_ALLOW_INSECURE_MEDIA and settings.PRODUCTION:
        raise ImproperlyConfigured("INSTAGRAM_ALLOW_INSECURE_MEDIA is for development only")
    return FetchPolicy(
        allowed_hosts=tuple(settings.INSTAGRAM_MEDIA_HOSTS),
        allow_insecure=settings.INSTAGRAM_ALLOW_INSECURE_MEDIA,
        max_bytes=settings.INSTAGRAM_MEDIA_MAX_BYTES,
    )


def fetch_media(*, url: str, into: IO[bytes]) -> Fetched:
    """Download one ``media_url`` under the media policy (see ``mosaic.lib.safe_http``)."""
    return fetch(url, policy=media_fetch_policy(), into=into)
