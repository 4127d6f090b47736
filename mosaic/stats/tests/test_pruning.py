"""Retention keeps pace with ingest (P30, P12): a backlog of any size goes in one run of the
hourly job, in indexed batches whose keys the database picks, and nothing recent goes. (How
fast: ``python -m bench stats``, prune_events_per_s beside ingest_events_per_s.)"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mosaic.stats.models import DailyVisitor, Event
from mosaic.stats.periodic import upkeep

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
BACKLOG = 60_000  # more than the fixed 50,000 an hour pruning once stopped at


def events(site, count: int, at: dt.datetime) -> None:
    Event.objects.bulk_create(
        (
            Event(site=site, kind="view", at=at, path="/", device="phone", visitor=f"{n:064x}")
            for n in range(count)
        ),
        batch_size=5_000,
    )


def test_p30_a_backlog_past_any_fixed_cap_is_pruned_in_one_run_and_recent_events_stay(site):
    events(site, BACKLOG, NOW - dt.timedelta(days=8))
    events(site, 5, NOW - dt.timedelta(days=6))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        removed = upkeep.call()
    assert removed == BACKLOG
    assert Event.objects.count() == 5
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "stats_event"')]
    assert all("IN (SELECT" in sql for sql in deletes), "keys chosen in the database"


def test_p12_visitor_hashes_past_48_hours_go_in_the_same_run_however_many(site):
    day = (NOW - dt.timedelta(days=3)).date()
    DailyVisitor.objects.bulk_create(
        (DailyVisitor(site=site, day=day, visitor=f"{n:064x}") for n in range(20_000)),
        batch_size=5_000,
    )
    DailyVisitor.objects.create(site=site, day=NOW.date(), visitor="today")
    with time_machine.travel(NOW, tick=False):
        upkeep.call()
    assert list(DailyVisitor.objects.values_list("visitor", flat=True)) == ["today"]
