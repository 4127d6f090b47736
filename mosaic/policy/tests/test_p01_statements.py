"""P01, P13: the policy page states only what the installed code does.

Every statement is a registry entry of the app that keeps it (``mosaic.policy.statements``); an
app that is not installed contributes nothing (no statement, no category, no cookie, no right).
"""

from __future__ import annotations

import pytest
from django.test import modify_settings

from mosaic.policy import statements as registry
from mosaic.policy.content import render_body
from mosaic.policy.cookies import declared_names
from mosaic.policy.statements import Statement, declare, statements
from mosaic.stats.privacy import StatisticsData
from mosaic.stats.visitors import NO_COUNT_COOKIE

pytestmark = pytest.mark.django_db


def test_p01_p24_organizations_are_stated_only_while_they_exist(visitor):
    page = visitor.get("/privacy/").content.decode()
    assert "Organizations" in page
    assert "cannot read your password" in page
    assert "legal request" in page  # what else exists is still said
    with modify_settings(INSTALLED_APPS={"remove": ["mosaic.organizations"]}):
        assert "cannot read your password" not in render_body("privacy")


def test_p01_p26_p27_the_transparency_report_moderation_and_change_of_hands_are_stated(visitor):
    page = visitor.get("/privacy/").content.decode()
    assert 'href="/transparency/"' in page
    assert 'href="/change-of-control/"' in page
    assert "can appeal once" in page
    with modify_settings(INSTALLED_APPS={"remove": ["mosaic.transparency"]}):
        assert 'href="/transparency/"' not in render_body("privacy")


def test_p01_each_section_of_the_page_is_a_statement_of_an_installed_app(visitor):
    page = visitor.get("/privacy/").content.decode()
    shown = statements()
    assert {statement.key for statement in shown} >= {"collect", "cookies", "rights", "legal"}
    for statement in shown:
        assert f'id="{statement.key}-heading"' in page
        assert str(statement.heading) in page


def test_p01_a_statement_of_a_feature_that_is_not_installed_is_not_on_the_page(visitor):
    future = Statement(
        key="future-test",
        app="mosaic.not_yet_built",
        heading="A future feature",
        template="policy/statements/contact.html",
        promises=("P26",),
    )
    declare(future)
    try:
        assert future not in statements()
        assert "A future feature" not in visitor.get("/privacy/").content.decode()
    finally:
        registry._registry.pop(future.key)


@pytest.mark.parametrize(
    ("app", "gone"),
    [
        ("mosaic.stats", [NO_COUNT_COOKIE, str(StatisticsData.title)]),
        ("mosaic.consent", ['href="/panel/email/"', "Promotional email and the newsletter"]),
    ],
)
def test_p01_an_app_that_is_not_installed_contributes_nothing(app, gone):
    with_app = render_body("privacy")
    for text in gone:
        assert text in with_app
    with modify_settings(INSTALLED_APPS={"remove": [app]}):
        without = render_body("privacy")
    for text in gone:
        assert text not in without
    assert "What we keep, why, and for how long" in without


def test_p13_the_count_my_visits_cookie_is_declared_on_the_policy(owner, visitor):
    response = owner.client.post("/panel/stats/my-visits/", {"count": "off"})
    assert NO_COUNT_COOKIE in response.cookies
    assert set(response.cookies) <= declared_names()
    assert f"<code>{NO_COUNT_COOKIE}</code>" in visitor.get("/privacy/").content.decode()
