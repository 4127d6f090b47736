"""What the browser tests share: the axe rules, the two sizes every page is looked at, where the
screenshots go, the URL setup that serves photo files, and a tab of its own for a page that is
meant to answer with an error.

The root ``conftest.py`` loads this module as a plug-in (``pytest_plugins``), so its fixtures
are there for every test: ``pytestmark = pytest.mark.usefixtures("media_served")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

#: axe-core's WCAG 2.0 and 2.1, levels A and AA (the bar of DEVELOPERS.md).
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
#: The sizes every page added or changed is opened at: (width, height) in CSS pixels.
SIZES = {"phone": (390, 844), "laptop": (1366, 900)}
#: Screenshots to look at (CI keeps the folder as an artifact), by size: ``SCREENS / "phone"``.
SCREENS = Path(django_settings.BASE_DIR) / "var" / "screens"


@pytest.fixture
def media_served(settings) -> None:
    """The app's routes plus the photo files (``live_server`` runs without DEBUG, so nothing
    else serves them in tests; nginx or the CDN do in production)."""
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"


@contextmanager
def own_tab(browser: Any, live_server: Any, size: str = "phone", **options: Any) -> Iterator[Any]:
    """A tab in a browser context of its own, closed at the end (its cookies collected, P13).

    For a page that is meant to answer with an error (a form refused with a 400): the ``page``
    fixture fails the test on the console error Chromium logs for it, which is right for the
    flow and wrong here. ``options`` go to ``new_context`` (``color_scheme``, ...).
    """
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, **options
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def unfold(page: Any, fold: str) -> Any:
    """The site editor's section ``fold`` (its ``<details>`` id: "links", "search", ...),
    opened by a click on its heading as a person would; returns its locator."""
    section = page.locator(f"details#{fold}")
    if not section.evaluate("details => details.open"):
        section.locator("> summary").click()
    return section
