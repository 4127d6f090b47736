from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db


def test_p16_a_visitors_language_and_theme_live_in_their_browser_only(visitor):
    response = visitor.post(
        "/preferences/", {"language": "ru", "theme": "dark", "next": "/accounts/login/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["django_language"].value == "ru"
    assert response.cookies["mosaic_theme"].value == "dark"
    assert Session.objects.count() == 0  # nothing about the visitor is kept on the server
    page = visitor.get("/")
    assert 'lang="ru"' in page.text
    assert 'data-theme="dark"' in page.text
    assert "Создать сайт" in page.text


def test_the_browsers_language_is_used_until_the_visitor_chooses(visitor):
    page = visitor.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")

    assert "Ваши фото из Instagram" in page.text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_preferences_never_redirect_to_another_site(visitor, target):
    response = visitor.post("/preferences/", {"language": "en", "next": target})

    assert response["Location"] == "/"


def test_unknown_preference_values_are_ignored(visitor):
    response = visitor.post("/preferences/", {"language": "xx", "theme": "<script>"})

    assert "django_language" not in response.cookies
    assert "mosaic_theme" not in response.cookies
    visitor.cookies["mosaic_theme"] = "<x>"
    assert 'data-theme="auto"' in visitor.get("/").text
