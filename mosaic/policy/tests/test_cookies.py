"""P13: every page, signed in or not, sets only the declared cookies, all of them essential.

The test walks every URL pattern without parameters (and a few with, filled in), as a visitor
and as a signed-in owner, and collects every Set-Cookie. There is no consent dialog because
there is no non-essential cookie; the inventory says so and this test keeps it true.
Published visitor sites (the websites app) must set no cookie at all: their own test asserts
that, and ``policy.audit_checks`` keeps the inventory complete.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mosaic.policy.cookies import declared_names, inventory

pytestmark = pytest.mark.django_db

# Views that act on a POST only, or stream files, or are development-only tools.
SKIP_PREFIXES = ("/static/", "/media/", "/dev/outbox/")


def plain_paths(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> list[str]:
    """Every path that needs no parameter, from the live URL configuration."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or "\\" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            found += plain_paths(entry.url_patterns, prefix + route)
        else:
            found.append("/" + (prefix + route).lstrip("/"))
    return sorted({path for path in found if not path.startswith(SKIP_PREFIXES)})


def cookies_set(client, paths: list[str]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        for name in response.cookies:
            seen.setdefault(name, set()).add(path)
    return seen


def test_p13_the_inventory_is_all_essential():
    assert all(cookie.essential for cookie in inventory())


def test_p13_every_cookie_any_page_sets_is_declared(visitor, owner):
    paths = [*plain_paths(), "/privacy/versions/", "/terms/versions/"]
    assert "/privacy/" in paths
    assert "/panel/email/" in paths
    assert len(paths) > 20

    seen = cookies_set(visitor, paths)
    seen_signed_in = cookies_set(owner.client, paths)
    # The visitor's own choices (P16) set the two preference cookies: declared too.
    seen_choices = visitor.post(
        "/preferences/", {"language": "ru", "theme": "dark", "next": "/"}
    ).cookies

    all_names = set(seen) | set(seen_signed_in) | set(seen_choices)
    assert all_names - declared_names() == set(), {
        name: sorted(seen.get(name, set()) | seen_signed_in.get(name, set()))
        for name in all_names - declared_names()
    }
    assert "csrftoken" in all_names  # the walk really saw cookies being set


def test_p13_signing_in_sets_only_declared_cookies(owner):
    from django.test import Client

    client = owner.sign_in(Client())

    assert set(client.cookies) <= declared_names()
    assert "sessionid" in client.cookies
