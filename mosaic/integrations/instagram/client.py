"""The Instagram API with Instagram Login, as one small httpx client.

Base URLs come from settings (``INSTAGRAM_AUTHORIZE_URL``, ``INSTAGRAM_API_URL``,
``INSTAGRAM_GRAPH_URL``), so the same code talks to Instagram or to the local stand-in.
Responses are accepted whether or not Instagram wraps them in ``{"data": [...]}``; errors become
``InvalidToken`` (code 190), ``RateLimited`` (HTTP 429 or codes 4, 17, 32, 613, with the wait
Instagram asks for) or ``InstagramError``. P02: this client only ever handles OAuth codes and
tokens; it has no way to take an Instagram password.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from django.conf import settings
from django.utils import timezone

GRAPH_VERSION = "v23.0"
RATE_LIMIT_CODES = {4, 17, 32, 613}
DEFAULT_RETRY_AFTER = 300
COMMENT_FIELDS = "id,text,username,timestamp"
PERMISSION_CODES = {3, 10, 200}
MAX_COMMENT_PAGES = 10
MEDIA_FIELDS = (
    "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,"
    "children{id,media_type,media_url,thumbnail_url}"
)


class InstagramError(Exception):
    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


class InvalidToken(InstagramError):
    """Error 190: the token expired, was revoked, or the owner changed their password."""


class PermissionDenied(InstagramError):
    """The token's scope does not allow this call (codes 3, 10, 200-299)."""


class RateLimited(InstagramError):
    """Instagram asks us to slow down; ``retry_after`` is the wait in seconds."""

    def __init__(self, message: str, *, retry_after: int, code: int | None, status: int):
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


@dataclass(frozen=True)
class ShortLivedToken:
    access_token: str
    user_id: str


@dataclass(frozen=True)
class LongLivedToken:
    access_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Profile:
    user_id: str
    username: str
    media_count: int | None = None


@dataclass(frozen=True)
class MediaPage:
    items: list[dict[str, Any]]
    next_url: str | None
    next_cursor: str = ""  # the ``after`` cursor of the next page: safe to store, unlike the URL


def strip_code(code: str) -> str:
    """Instagram appends ``#_`` to the code in the redirect; it is not part of the code."""
    return code.strip().removesuffix("#_")


def unwrap(payload: Any) -> dict[str, Any]:
    """One object, whether sent bare or as the first element of ``{"data": [...]}``."""
    if isinstance(payload, dict) and isinstance(payload.get("data"), list):
        first = payload["data"][0] if payload["data"] else None
        if not isinstance(first, dict):
            raise InstagramError("Instagram answered with an empty list")
        return first
    if isinstance(payload, dict):
        return payload
    raise InstagramError("Instagram answered with something that is not a JSON object")


def _retry_after(response: httpx.Response) -> int:
    header = response.headers.get("Retry-After", "")
    if header.isdigit():
        return int(header)
    for name in ("X-Business-Use-Case-Usage", "X-App-Usage"):
        try:
            usage = json.loads(response.headers.get(name, ""))
        except ValueError:
            continue
        for entries in usage.values() if isinstance(usage, dict) else []:
            for entry in entries if isinstance(entries, list) else [entries]:
                minutes = (
                    entry.get("estimated_time_to_regain_access")
                    if isinstance(entry, dict)
                    else None
                )
                if isinstance(minutes, int) and minutes > 0:
                    return minutes * 60
    return DEFAULT_RETRY_AFTER


def raise_for_error(response: httpx.Response) -> Any:
    """The response's JSON, or the matching exception."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    error: dict[str, Any] = {}
    if isinstance(payload, dict):
        if isinstance(payload.get("error"), dict):
            error = payload["error"]
        elif "error_type" in payload or "error_message" in payload:  # the OAuth host's format
            error = {"message": payload.get("error_message"), "code": payload.get("code")}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = str(error.get("message") or f"HTTP {response.status_code}")
    if response.status_code == 429 or code in RATE_LIMIT_CODES:
        raise RateLimited(
            message, retry_after=_retry_after(response), code=code, status=response.status_code
        )
    if code == 190:
        raise InvalidToken(message, code=code, status=response.status_code)
    if code in PERMISSION_CODES or (code is not None and 200 <= code <= 299):
        raise PermissionDenied(message, code=code, status=response.status_code)
    if response.status_code >= 400 or error:
        raise InstagramError(message, code=code, status=response.status_code)
    if payload is None:
        raise InstagramError("Instagram answered with something that is not JSON")
    return payload


class InstagramClient:
    def __init__(self, *, timeout: float = 20.0) -> None:
        self.http = httpx.Client(timeout=timeout, trust_env=False)

    def __enter__(self) -> InstagramClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise InstagramError(f"Instagram cannot be reached ({type(exc).__name__})") from exc
        return raise_for_error(response)

    @staticmethod
    def authorize_url(*, state: str, redirect_uri: str) -> str:
        query = {
            "client_id": settings.INSTAGRAM_APP_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": ",".join(settings.INSTAGRAM_SCOPES),
            "state": state,
        }
        return f"{settings.INSTAGRAM_AUTHORIZE_URL}?{urlencode(query)}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> ShortLivedToken:
        data = unwrap(
            self._call(
                "POST",
                f"{settings.INSTAGRAM_API_URL}/oauth/access_token",
                data={
                    "client_id": settings.INSTAGRAM_APP_ID,
                    "client_secret": settings.INSTAGRAM_APP_SECRET,
                    "grant_type": "authorization_code",
                    "redirect_uri": redirect_uri,
                    "code": strip_code(code),
                },
            )
        )
        return ShortLivedToken(access_token=_required(data, "access_token"), user_id=_id(data))

    def long_lived(self, *, short_lived_token: str) -> LongLivedToken:
        data = unwrap(
            self._call(
                "GET",
                f"{settings.INSTAGRAM_GRAPH_URL}/access_token",
                params={
                    "grant_type": "ig_exchange_token",
                    "client_secret": settings.INSTAGRAM_APP_SECRET,
                    "access_token": short_lived_token,
                },
            )
        )
        return _long_lived(data)

    def refresh(self, *, token: str) -> LongLivedToken:
        data = unwrap(
            self._call(
                "GET",
                f"{settings.INSTAGRAM_GRAPH_URL}/refresh_access_token",
                params={"grant_type": "ig_refresh_token", "access_token": token},
            )
        )
        return _long_lived(data)

    def me(self, *, token: str) -> Profile:
        data = unwrap(
            self._call(
                "GET",
                f"{settings.INSTAGRAM_GRAPH_URL}/{GRAPH_VERSION}/me",
                params={"fields": "id,user_id,username,media_count", "access_token": token},
            )
        )
        count = data.get("media_count")
        return Profile(
            user_id=_id(data),
            username=_required(data, "username"),
            media_count=count if isinstance(count, int) and count >= 0 else None,
        )

    def media_page(
        self, *, token: str, url: str | None = None, after: str = "", limit: int = 50
    ) -> MediaPage:
        """One page of the owner's media; pass the previous page's ``next_cursor`` (or its
        ``next_url``) to go on."""
        if url is None:
            params: dict[str, Any] = {"fields": MEDIA_FIELDS, "limit": limit, "access_token": token}
            if after:
                params["after"] = after
            payload = self._call(
                "GET", f"{settings.INSTAGRAM_GRAPH_URL}/{GRAPH_VERSION}/me/media", params=params
            )
        else:
            payload = self._call("GET", url)
        items: list[Any]
        next_url: Any = None
        if isinstance(payload, list):  # a bare list, without the {"data": [...]} wrapper
            items = payload
        elif isinstance(payload, dict):
            data = payload.get("data")
            items = data if isinstance(data, list) else ([payload] if "id" in payload else [])
            paging = payload.get("paging")
            next_url = paging.get("next") if isinstance(paging, dict) else None
        else:
            raise InstagramError("Instagram answered with an unexpected media list")
        next_url = next_url if isinstance(next_url, str) and next_url else None
        return MediaPage(
            items=[normalize_media(item) for item in items if isinstance(item, dict)],
            next_url=next_url,
            next_cursor=_after_cursor(payload, next_url),
        )

    def comments(self, *, token: str, media_id: str) -> list[dict[str, Any]]:
        """The comments on one media (every page, up to MAX_COMMENT_PAGES); ``PermissionDenied``
        when the token's scope does not cover comments."""
        url = f"{settings.INSTAGRAM_GRAPH_URL}/{GRAPH_VERSION}/{media_id}/comments"
        params: dict[str, Any] | None = {"fields": COMMENT_FIELDS, "access_token": token}
        found: list[dict[str, Any]] = []
        for _page in range(MAX_COMMENT_PAGES):
            payload = self._call("GET", url, params=params)
            data = payload.get("data") if isinstance(payload, dict) else payload
            found += [c for c in data or [] if isinstance(c, dict) and c.get("id")]
            paging = payload.get("paging") if isinstance(payload, dict) else None
            next_url = paging.get("next") if isinstance(paging, dict) else None
            if not isinstance(next_url, str) or not next_url:
                break
            url, params = next_url, None
        return found

    def all_media(self, *, token: str) -> Iterator[dict[str, Any]]:
        page = self.media_page(token=token)
        yield from page.items
        while page.next_url:
            page = self.media_page(token=token, url=page.next_url)
            yield from page.items


def normalize_media(item: dict[str, Any]) -> dict[str, Any]:
    """A media item with ``caption`` always a string (Instagram omits it when empty) and
    ``children`` always a list, whether or not Instagram wrapped it in ``{"data": [...]}``."""
    result = dict(item)
    caption = result.get("caption")
    result["caption"] = caption if isinstance(caption, str) else ""
    children = result.get("children")
    if isinstance(children, dict):
        children = children.get("data")
    result["children"] = (
        [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []
    )
    return result


def _after_cursor(payload: Any, next_url: str | None) -> str:
    """The cursor of the next page, from ``paging.cursors.after`` or the ``next`` URL; empty on
    the last page."""
    if not next_url:
        return ""
    paging = payload.get("paging") if isinstance(payload, dict) else None
    cursors = paging.get("cursors") if isinstance(paging, dict) else None
    after = cursors.get("after") if isinstance(cursors, dict) else None
    if isinstance(after, str) and after:
        return after
    return parse_qs(urlsplit(next_url).query).get("after", [""])[0]


def _required(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or value == "":
        raise InstagramError(f"Instagram's answer lacks {key}")
    return str(value)


def _id(data: dict[str, Any]) -> str:
    # ``user_id`` is the Instagram professional account id; ``id`` is the app-scoped one.
    return _required(data, "user_id") if data.get("user_id") else _required(data, "id")


def _long_lived(data: dict[str, Any]) -> LongLivedToken:
    expires_in = data.get("expires_in")
    if not isinstance(expires_in, int) or expires_in <= 0:
        expires_in = 60 * 24 * 3600
    return LongLivedToken(
        access_token=_required(data, "access_token"),
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )
