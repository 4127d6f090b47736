from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_home_page_invites_a_visitor_to_sign_up(visitor):
    response = visitor.get("/")
    assert response.status_code == 200
    assert b'href="/accounts/signup/"' in response.content


@pytest.mark.django_db
def test_pages_carry_the_security_headers(visitor):
    response = visitor.get("/accounts/signup/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
