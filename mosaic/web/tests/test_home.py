"""The home page says how Mosaic works in three steps (issue #13)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_three_steps(visitor):
    page = visitor.get("/").content.decode()
    steps = page[page.index('id="steps-heading"') :]
    assert steps.count("<li>") == 3
    for step in ("Bring your photos.", "Make it yours.", "Publish."):
        assert step in steps


def test_the_home_page_speaks_russian(visitor):
    visitor.cookies["django_language"] = "ru"
    assert "Как это работает" in visitor.get("/").content.decode()
