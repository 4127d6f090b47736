"""The stand-in HTTP server: OAuth (consent page, code exchange), the Graph API (long-lived
token swap, refresh, ``/me``, ``/me/media`` with paging), expiring media URLs (403 once past
their ``oe`` expiry) and errors on demand (rate limits, invalid tokens).

Errors on demand: ``server.state.fail_next("rate_limit")`` from Python, or
``POST /_stand_in/fail`` with ``kind=rate_limit|rate_limit_429|invalid_token|server_error``,
``times=N`` and ``after=N`` (let that many Graph calls through first). Comments
(``/{media-id}/comments``) need the ``instagram_business_manage_comments`` scope, as on Instagram.
``state.deleted`` hides media ids (as if deleted on Instagram); ``state.requests`` logs every
Graph call (path and cursor, never the token), ``state.media_requests`` every media file asked
for; ``state.media_delay`` makes each media file take that long, and
``state.media_most_at_once`` tells how many were answered at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from mosaic.integrations.instagram.standin import data, pages

SHORT_LIVED_SECONDS = 3600
LONG_LIVED_SECONDS = 60 * 24 * 3600
CODE_SECONDS = 600
FAILURE_KINDS = ("rate_limit", "rate_limit_429", "invalid_token", "server_error")
COMMENTS_SCOPE = "instagram_business_manage_comments"
DEFAULT_SCOPES = ("instagram_business_basic",)


@dataclass
class Token:
    username: str
    long_lived: bool
    issued_at: float
    expires_at: float
    scopes: tuple[str, ...] = DEFAULT_SCOPES


@dataclass
class Code:
    username: str
    redirect_uri: str
    expires_at: float
    scopes: tuple[str, ...] = DEFAULT_SCOPES


@dataclass
class StandInState:
    app_id: str
    app_secret: str
    media_ttl: int = 3600
    wrap_token_response: bool = True
    posts_per_account: int = data.POSTS_PER_ACCOUNT
    photo_size: int = 1080
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    failures: list[str | None] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    # Media files: each one asked for (its name), how long each takes to answer (a CDN's round
    # trip) and the most answered at once (tests: how many downloads Mosaic runs together).
    media_requests: list[str] = field(default_factory=list)
    media_delay: float = 0.0
    media_in_flight: int = 0
    media_most_at_once: int = 0
    url_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Called with the path of each Graph call before it is answered (tests: what Mosaic's
    # database allows while it waits for Instagram).
    on_call: Callable[[str], None] | None = None

    def fail_next(self, kind: str, times: int = 1, *, after: int = 0) -> None:
        """The next ``times`` Graph calls fail with ``kind``, once ``after`` calls went through."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure {kind!r}; use one of {FAILURE_KINDS}")
        with self.lock:
            self.failures.extend([None] * after + [kind] * times)

    def take_failure(self) -> str | None:
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def issue_token(
        self,
        username: str,
        *,
        long_lived: bool = True,
        issued_at: float | None = None,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
    ) -> str:
        issued = time.time() if issued_at is None else issued_at
        lifetime = LONG_LIVED_SECONDS if long_lived else SHORT_LIVED_SECONDS
        token = ("IGAA" if long_lived else "IGQ") + secrets.token_urlsafe(48)
        with self.lock:
            self.tokens[token] = Token(username, long_lived, issued, issued + lifetime, scopes)
        return token

    def posts(self, username: str) -> list[data.StandInMedia]:
        return [
            post
            for post in data.posts_for(username, self.posts_per_account)
            if post.id not in self.deleted
        ]

    def revoke(self, username: str) -> None:
        """As if the person changed their Instagram password: every token dies (error 190)."""
        with self.lock:
            for token in [t for t, info in self.tokens.items() if info.username == username]:
                del self.tokens[token]

    def media_signature(self, path: str, expires_hex: str) -> str:
        message = f"{path}:{expires_hex}".encode()
        return hmac.new(self.url_secret, message, hashlib.sha256).hexdigest()[:20]


class GraphError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


def _graph_error(message: str, code: int, status: int = 400, **extra: Any) -> GraphError:
    body = {"error": {"message": message, "type": "OAuthException", "code": code, **extra}}
    body["error"]["fbtrace_id"] = secrets.token_hex(8)
    return GraphError(status, body)


def _oauth_error(message: str) -> GraphError:
    return GraphError(400, {"error_type": "OAuthException", "code": 400, "error_message": message})


class StandInHandler(BaseHTTPRequestHandler):
    server: StandInServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # --- plumbing ----------------------------------------------------------------------------
    @property
    def state(self) -> StandInState:
        return self.server.state

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
        body = self.rfile.read(length).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(body).items()}

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json; charset=UTF-8", headers)

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, b"", "text/plain", {"Location": location})

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        parts = [part for part in path.split("/") if part]
        if parts and parts[0].startswith("v") and parts[0][1:].replace(".", "").isdigit():
            parts = parts[1:]  # /v23.0/me == /me
        route = (method, "/" + "/".join(parts))
        try:
            if route == ("GET", "/favicon.ico"):
                self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            elif route == ("GET", "/oauth/authorize"):
                self.consent()
            elif route == ("POST", "/oauth/authorize"):
                self.decide()
            elif route == ("POST", "/oauth/access_token"):
                self.exchange_code()
            elif route == ("GET", "/access_token"):
                self.exchange_long_lived()
            elif route == ("GET", "/refresh_access_token"):
                self.refresh()
            elif route == ("GET", "/me"):
                self.me()
            elif route == ("GET", "/me/media"):
                self.media_list()
            elif method == "GET" and len(parts) == 2 and parts[1] == "comments":
                self.comments(parts[0])
            elif method == "GET" and len(parts) == 2 and parts[0] == "media":
                self.media_file(path, parts[1])
            elif route == ("POST", "/_stand_in/fail"):
                form = self._form()
                self.state.fail_next(
                    form.get("kind", ""),
                    int(form.get("times", "1") or 1),
                    after=int(form.get("after", "0") or 0),
                )
                self._json(200, {"failures": len(self.state.failures)})
            else:
                self._json(404, {"error": {"message": f"Unknown path {path}", "code": 803}})
        except GraphError as exc:
            self._json(exc.status, exc.body, exc.headers)
        except ValueError as exc:
            self._json(400, {"error": {"message": str(exc), "code": 100}})

    # --- OAuth -------------------------------------------------------------------------------
    def consent(self) -> None:
        query = self._query()
        problem = self._authorize_problem(query)
        if problem:
            self._send(400, pages.error_page(problem), "text/html; charset=utf-8")
            return
        page = pages.consent_page(
            app_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            state=query.get("state", ""),
            scope=query.get("scope", ""),
            username=self.server.default_username,
        )
        self._send(200, page, "text/html; charset=utf-8")

    def _authorize_problem(self, query: dict[str, str]) -> str | None:
        if query.get("client_id") != self.state.app_id:
            return "Invalid app ID"
        if query.get("response_type", "code") != "code":
            return "response_type must be code"
        if not query.get("redirect_uri", "").startswith(("http://", "https://")):
            return "Invalid redirect_uri"
        return None

    def decide(self) -> None:
        form = self._form()
        problem = self._authorize_problem(form)
        if problem:
            self._send(400, pages.error_page(problem), "text/html; charset=utf-8")
            return
        redirect_uri, state = form["redirect_uri"], form.get("state", "")
        separator = "&" if "?" in redirect_uri else "?"
        if form.get("decision") != "allow":
            query = {
                "error": "access_denied",
                "error_reason": "user_denied",
                "error_description": "Permissions error",
                "state": state,
            }
            self._redirect(f"{redirect_uri}{separator}{urlencode(query)}#_")
            return
        username = form.get("username", "").strip() or self.server.default_username
        code = "AQ" + secrets.token_urlsafe(40)
        with self.state.lock:
            self.state.codes[code] = Code(
                username, redirect_uri, time.time() + CODE_SECONDS, _scopes(form.get("scope", ""))
            )
        # Real Instagram appends "#_" to the redirect; clients must not take it as part of the code.
        self._redirect(f"{redirect_uri}{separator}{urlencode({'code': code, 'state': state})}#_")

    def exchange_code(self) -> None:
        form = self._form()
        if (
            form.get("client_id") != self.state.app_id
            or form.get("client_secret") != self.state.app_secret
        ):
            raise _oauth_error("Invalid platform app")
        if form.get("grant_type") != "authorization_code":
            raise _oauth_error("Invalid grant_type")
        with self.state.lock:
            code = self.state.codes.pop(form.get("code", ""), None)  # single use
        if code is None or code.expires_at < time.time():
            raise _oauth_error("This authorization code has been used or has expired")
        if code.redirect_uri != form.get("redirect_uri"):
            raise _oauth_error("Error validating verification code: redirect_uri mismatch")
        token = self.state.issue_token(code.username, long_lived=False, scopes=code.scopes)
        answer = {
            "access_token": token,
            "user_id": int(data.user_id_for(code.username)),
            "permissions": list(code.scopes),
        }
        self._json(200, {"data": [answer]} if self.state.wrap_token_response else answer)

    # --- Graph -------------------------------------------------------------------------------
    def _token(self, value: str, *, long_lived: bool | None = None) -> Token:
        query = self._query()
        with self.state.lock:
            self.state.requests.append(
                urlsplit(self.path).path + (f"?after={query['after']}" if "after" in query else "")
            )
        if self.state.on_call is not None:
            self.state.on_call(urlsplit(self.path).path)
        failure = self.state.take_failure()
        if failure == "server_error":
            raise _graph_error("An unexpected error has occurred. Please retry.", 2, status=500)
        if failure == "rate_limit":
            usage = json.dumps({"call_count": 100, "total_cputime": 30, "total_time": 40})
            error = _graph_error("Application request limit reached", 4, is_transient=True)
            error.headers["X-App-Usage"] = usage
            raise error
        if failure == "rate_limit_429":
            error = _graph_error("Too many calls", 613, status=429)
            error.headers["Retry-After"] = "120"
            raise error
        with self.state.lock:
            token = self.state.tokens.get(value)
        if failure == "invalid_token" or token is None or token.expires_at < time.time():
            raise _graph_error(
                "Error validating access token: Session has expired or the user has changed "
                "the password.",
                190,
                error_subcode=463,
            )
        if long_lived is not None and token.long_lived != long_lived:
            raise _graph_error("Invalid token type for this call", 100)
        return token

    def exchange_long_lived(self) -> None:
        query = self._query()
        if query.get("grant_type") != "ig_exchange_token":
            raise _graph_error("Unsupported grant_type", 100)
        if query.get("client_secret") != self.state.app_secret:
            raise _graph_error("Error validating client secret.", 1)
        short = self._token(query.get("access_token", ""), long_lived=False)
        token = self.state.issue_token(short.username, scopes=short.scopes)
        self._json(
            200, {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}
        )

    def refresh(self) -> None:
        query = self._query()
        if query.get("grant_type") != "ig_refresh_token":
            raise _graph_error("Unsupported grant_type", 100)
        current = self._token(query.get("access_token", ""), long_lived=True)
        if current.issued_at > time.time() - 24 * 3600:
            raise _graph_error("The token cannot be refreshed until it is 24 hours old", 100)
        token = self.state.issue_token(current.username, scopes=current.scopes)
        self._json(
            200, {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}
        )

    def me(self) -> None:
        query = self._query()
        token = self._token(query.get("access_token", ""))
        user_id = data.user_id_for(token.username)
        everything = {
            "id": user_id,
            "user_id": user_id,
            "username": token.username,
            "account_type": "BUSINESS",
            "media_count": len(self.state.posts(token.username)),
        }
        fields = _fields(query.get("fields", "id,username"))
        self._json(200, {key: value for key, value in everything.items() if key in fields})

    def media_list(self) -> None:
        query = self._query()
        token = self._token(query.get("access_token", ""))
        fields = _fields(query.get("fields", "id"))
        limit = max(1, min(int(query.get("limit", "25") or 25), 100))
        start = _decode_cursor(query.get("after", ""))
        posts = self.state.posts(token.username)
        page = posts[start : start + limit]
        body: dict[str, Any] = {"data": [self._media_json(post, fields) for post in page]}
        if page:
            cursors = {"before": _cursor(start), "after": _cursor(start + len(page))}
            body["paging"] = {"cursors": cursors}
            if start + len(page) < len(posts):
                next_query = {**query, "after": cursors["after"], "limit": str(limit)}
                body["paging"]["next"] = (
                    f"{self.server.base_url}{urlsplit(self.path).path}?{urlencode(next_query)}"
                )
        self._json(200, body)

    def comments(self, media_id: str) -> None:
        query = self._query()
        token = self._token(query.get("access_token", ""))
        if COMMENTS_SCOPE not in token.scopes:
            raise _graph_error("(#10) Application does not have permission for this action", 10)
        if media_id not in {post.id for post in self.state.posts(token.username)}:
            raise _graph_error(f"Unsupported get request. Object with ID '{media_id}'", 100)
        fields = _fields(query.get("fields", "id,text,timestamp"))
        self._json(
            200,
            {
                "data": [
                    {k: v for k, v in comment.items() if k in fields or k == "id"}
                    for comment in data.comments_for(media_id)
                ]
            },
        )

    def _media_json(self, post: data.StandInMedia, fields: set[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"id": post.id, "media_type": post.media_type}
        if post.caption:
            item["caption"] = post.caption
        extension = "mp4" if post.media_type == "VIDEO" else "jpg"
        item["media_url"] = self.server.media_url(f"{post.id}.{extension}")
        if post.media_type == "VIDEO":
            item["thumbnail_url"] = self.server.media_url(f"{post.id}.jpg")
        item["permalink"] = f"https://www.instagram.com/p/{post.shortcode}/"
        item["timestamp"] = post.timestamp.strftime("%Y-%m-%dT%H:%M:%S+0000")
        if post.children and "children" in fields:
            item["children"] = {
                "data": [
                    {
                        "id": child.id,
                        "media_type": child.media_type,
                        "media_url": self.server.media_url(f"{child.id}.jpg"),
                    }
                    for child in post.children
                ]
            }
        return {key: value for key, value in item.items() if key in fields or key == "id"}

    def media_file(self, path: str, name: str) -> None:
        query = self._query()
        expires_hex, signature = query.get("oe", ""), query.get("sig", "")
        expected = self.state.media_signature(path, expires_hex)
        try:
            expired = int(expires_hex, 16) < time.time()
        except ValueError:
            expired = True
        if not hmac.compare_digest(signature, expected) or expired:
            self._send(403, b"URL signature expired", "text/plain")
            return
        with self.state.lock:
            self.state.media_requests.append(name)
            self.state.media_in_flight += 1
            self.state.media_most_at_once = max(
                self.state.media_most_at_once, self.state.media_in_flight
            )
        try:
            time.sleep(self.state.media_delay)  # counted while it waits, before it answers
        finally:
            with self.state.lock:
                self.state.media_in_flight -= 1
        self._send_media(name)

    def _send_media(self, name: str) -> None:
        media_id, _, extension = name.partition(".")
        if extension == "mp4":
            self._send(200, data.video(), "video/mp4")
        else:
            self._send(200, data.photo(media_id, size=self.state.photo_size), "image/jpeg")


def _fields(raw: str) -> set[str]:
    """Top-level names of a Graph ``fields`` list (``children{...}`` counts as ``children``)."""
    names, depth, current = set(), 0, ""
    for char in raw:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            names.add(current.strip())
            current = ""
        elif depth == 0:
            current += char
    names.add(current.strip())
    return {name for name in names if name}


def _scopes(raw: str) -> tuple[str, ...]:
    return tuple(part for part in raw.replace(" ", ",").split(",") if part) or DEFAULT_SCOPES


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return max(0, int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))))
    except ValueError as exc:
        raise _graph_error("Invalid cursor", 100) from exc


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        default_username: str = "mosaic.demo",
        verbose: bool = False,
    ) -> None:
        super().__init__((host, port), StandInHandler)
        self.state = StandInState(app_id=app_id, app_secret=app_secret)
        self.default_username = default_username
        self.verbose = verbose
        self._thread: threading.Thread | None = None

    def media_url(self, name: str) -> str:
        """The signed address of a media file, expiring ``state.media_ttl`` seconds from now."""
        path = f"/media/{name}"
        expires_hex = format(int(time.time()) + self.state.media_ttl, "x")
        signature = self.state.media_signature(path, expires_hex)
        return f"{self.base_url}{path}?{urlencode({'oe': expires_hex, 'sig': signature})}"

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Serve from a background thread; returns the base URL."""
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="instagram-stand-in", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
