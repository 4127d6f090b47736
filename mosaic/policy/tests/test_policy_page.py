"""The privacy policy and the terms: generated from the registry and the live settings."""

from __future__ import annotations

import pytest

from mosaic.privacy.registry import categories

pytestmark = pytest.mark.django_db


def test_p01_the_policy_lists_every_category_with_its_purpose_basis_and_period(visitor):
    page = visitor.get("/privacy/").content.decode()

    for category in categories():
        assert str(category.title) in page
        assert str(category.purpose) in page
        assert str(category.legal_basis) in page


def test_p01_the_policy_shows_the_periods_the_code_obeys_change_a_setting_and_it_changes(
    visitor, settings
):
    settings.PRIVACY_QUARANTINE_DAYS = 77
    settings.PRIVACY_SECURITY_LOG_DAYS = 12
    before = visitor.get("/privacy/").content.decode()
    settings.PRIVACY_QUARANTINE_DAYS = 91
    after = visitor.get("/privacy/").content.decode()

    assert "77 days of quarantine" in before
    assert "IP address in security logs, for 12 days" in before
    assert "77 days" not in after
    assert "91 days of quarantine" in after


def test_p04_the_policy_lists_every_processor_from_the_settings(visitor, settings):
    settings.PRIVACY_PROCESSORS = [
        {"name": "Postmark Ltd", "purpose": "Sends our email", "location": "Iceland"},
    ]

    page = visitor.get("/privacy/").content.decode()

    assert "Postmark Ltd" in page
    assert "Sends our email" in page
    assert "Iceland" in page
    assert "Our hosting provider" not in page


def test_the_policy_tells_how_to_exercise_each_right_and_whom_to_write_to(visitor, settings):
    settings.PRIVACY_CONTACT_EMAIL = "dpo@mosaic.example"

    page = visitor.get("/privacy/").content.decode()

    for link in ("/panel/data/", "/panel/data/export/", "/panel/data/delete-account/"):
        assert f'href="{link}"' in page
    assert 'href="/panel/email/"' in page
    assert "dpo@mosaic.example" in page
    assert "legal request" in page  # P15


def test_p13_the_policy_lists_the_declared_cookies(visitor, settings):
    page = visitor.get("/privacy/").content.decode()

    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in page
    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in page


def test_the_terms_and_the_policy_are_linked_from_every_page_and_render_in_russian(visitor):
    home = visitor.get("/").content.decode()
    assert 'href="/privacy/"' in home
    assert 'href="/terms/"' in home

    visitor.cookies["django_language"] = "ru"
    assert "Файлы cookie" in visitor.get("/privacy/").content.decode()
    assert visitor.get("/terms/").status_code == 200


def test_an_unknown_version_or_kind_is_not_found(visitor):
    assert visitor.get("/privacy/versions/9/").status_code == 404
    assert visitor.get("/cookies/versions/").status_code == 404
    assert visitor.get("/privacy/versions/").status_code == 200
