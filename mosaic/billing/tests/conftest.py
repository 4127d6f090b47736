"""Billing tests: the offline provider by default; publishing in the test's transaction."""

from __future__ import annotations

import pytest

from mosaic.billing import offline


@pytest.fixture(autouse=True)
def _offline_provider(settings):
    settings.BILLING_PROVIDER = "offline"
    offline.delivered.clear()
    yield
    offline.delivered.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (plan changes, publishing, mail) now."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def state_of(*models) -> list:
    """Every row of ``models`` as tuples of values: a snapshot to compare after replays."""
    rows = []
    for model in models:
        for row in model.objects.order_by("pk").values_list():
            rows.append((model.__name__, *row))
    return rows
