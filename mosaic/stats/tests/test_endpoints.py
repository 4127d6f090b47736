"""The WSGI application servers run answers ``/_m/`` itself, ahead of Django, and sends exactly
what the Django side would: the same status, headers and body (P12, P13)."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from mosaic.stats.endpoints import CountingFirst
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import PHONE, browser_client, post_path, published_link, total
from mosaic.wsgi import application

pytestmark = pytest.mark.django_db


class Served:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = int(status.split()[0])
        self.status_line = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(found) <= 1, found
        return found[0] if found else None


def serve(path: str, query: str = "", method: str = "GET", **headers: str) -> Served:
    """One request through ``mosaic.wsgi.application``, as a WSGI server makes it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.44",
        "HTTP_HOST": "testserver",
        "HTTP_USER_AGENT": PHONE,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }
    started: list[Any] = []
    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, lambda status, head, exc=None: started.extend((status, head)))
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Served(started[0], started[1], body)


def test_the_served_app_answers_counting_paths_itself():
    assert isinstance(application, CountingFirst)


def test_p12_p13_a_beacon_is_answered_and_counted_without_django_and_without_cookies(site):
    served = serve(
        f"/_m/v/{site.pk}.gif",
        f"p={post_path(site, 3)}&k=photo&r=news.example.org",
        HTTP_COOKIE="sessionid=whatever; csrftoken=" + "x" * 32,
    )

    assert (served.status_line, served.body[:6]) == ("200 OK", b"GIF89a")
    assert served.header("Content-Type") == "image/gif"
    assert served.header("Content-Length") == str(len(served.body))
    assert served.header("Cache-Control") == "no-store"
    assert served.header("Set-Cookie") is None
    assert served.header("Vary") is None
    flush()
    assert total(site, "photo") == 1


def test_the_served_answers_equal_the_django_side_ones(site, site_link):
    cases = [
        (f"/_m/v/{site.pk}.gif", "p=/olivia/"),
        (f"/_m/v/{site.pk}.gif", "p=bad"),
        (f"/_m/v/{site.pk}.gif", "p=/olivia/&k=video"),
        (f"/_m/v/{site.pk + 1000}.gif", "p=/olivia/"),
        (f"/_m/c/{site.pk}/{site_link.key}/", ""),
        (f"/_m/c/{site.pk}/{site_link.key[::-1]}/", ""),
        ("/_m/nothing", ""),
        ("/_m/v/1.gif/../../panel/", ""),
    ]
    for path, query in cases:
        served = serve(path, query)
        django = browser_client(address="192.0.2.44").get(path + ("?" + query if query else ""))
        assert served.status == django.status_code, path
        assert served.body == django.content, path
        assert dict(served.headers) == dict(django.items()), path


def test_a_click_is_redirected_and_counted_through_the_served_app(site, site_link):
    served = serve(f"/_m/c/{site.pk}/{site_link.key}/")
    assert served.status == 302
    assert served.header("Location") == "https://shop.example.com/olivia"
    assert served.body == b""
    flush()
    assert total(site, "click") == 1


@pytest.mark.parametrize(
    "url", ["https://shop.example.com/\r\nSet-Cookie: a=b", "https://shop.example.com/é ü"]
)
def test_a_published_url_can_never_break_out_of_the_location_header(site, url):
    link = published_link(site, "Odd", url)
    served = serve(f"/_m/c/{site.pk}/{link.key}/")
    location = served.header("Location") or ""
    assert served.header("Set-Cookie") is None
    assert location.isascii()
    assert location.isprintable()
    assert " " not in location


def test_head_is_answered_without_a_body_and_never_counted(site, site_link):
    pixel = serve(f"/_m/v/{site.pk}.gif", "p=/olivia/", method="HEAD")
    click = serve(f"/_m/c/{site.pk}/{site_link.key}/", method="HEAD")

    assert (pixel.status, pixel.body) == (200, b"")
    assert (click.status, click.header("Location")) == (302, site_link.url)
    flush()
    assert total(site, "page") == total(site, "click") == 0


def test_other_methods_are_refused_and_not_counted(site):
    for method in ("POST", "PUT", "DELETE"):
        served = serve(f"/_m/v/{site.pk}.gif", "p=/olivia/", method=method)
        assert served.status == 405
        assert served.header("Allow") == "GET, HEAD"
    flush()
    assert total(site, "page") == 0


@pytest.mark.parametrize(
    "query",
    [
        "p=" + "/x" * 400,  # longer than any page path
        "p=/a%0Ab/",  # a control character
        "p=/a?b",
        "&".join(f"x{n}=1" for n in range(50)) + "&p=/olivia/",  # more fields than a beacon
        "p=%ff%fe/",
    ],
)
def test_a_bad_beacon_is_a_clear_400_and_nothing_is_counted(site, query):
    served = serve(f"/_m/v/{site.pk}.gif", query)
    assert served.status == 400
    assert b"p must be a page path" in served.body
    flush()
    assert total(site, "page") == 0


def test_every_other_path_still_reaches_django():
    served = serve("/accounts/login/")
    assert served.status == 200
    assert b"<form" in served.body
