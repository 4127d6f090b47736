"""Rolling checks (``mosaic.audit.rolling``): a bounded window of a large table per run, yet every
row looked at within ``ceil(rows / AUDIT_ROWS_PER_CHECK)`` runs, so a breach planted anywhere is
found; a table that fits in one window is looked at whole on every run."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.audit import rolling
from mosaic.audit.models import AuditCursor, AuditRun
from mosaic.audit.tests.running import audit, line
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.photos.models import Original, Photo

pytestmark = pytest.mark.django_db


def some_rows(count: int) -> list[int]:
    now = timezone.now()
    AuditRun.objects.bulk_create(
        AuditRun(started_at=now, finished_at=now, results={}, breached=0) for _ in range(count)
    )
    # gaps in the keys, as deletions leave them
    AuditRun.objects.filter(
        pk__in=list(AuditRun.objects.values_list("pk", flat=True))[::7]
    ).delete()
    return sorted(AuditRun.objects.values_list("pk", flat=True))


def test_every_row_is_looked_at_once_per_round_and_a_round_takes_the_runs_it_must():
    rows = some_rows(40)
    seen: list[int] = []
    runs = math.ceil(len(rows) / 6)
    for _ in range(runs):
        with rolling.window("test", AuditRun, rows=6) as window:
            looked_at = list(AuditRun.objects.filter(window.q).values_list("pk", flat=True))
        assert len(looked_at) == 6  # always a full window: wrapping round to the start
        seen += looked_at
    assert set(seen) == set(rows)
    assert AuditCursor.objects.get(name="test").rounds == 1


def test_a_table_that_fits_in_the_window_is_looked_at_whole_every_time():
    rows = some_rows(10)
    for _ in range(3):
        with rolling.window("test", AuditRun, rows=len(rows)) as window:
            assert sorted(AuditRun.objects.filter(window.q).values_list("pk", flat=True)) == rows


def test_a_check_that_fails_looks_at_the_same_rows_again():
    some_rows(20)
    with pytest.raises(RuntimeError), rolling.window("test", AuditRun, rows=5):
        raise RuntimeError("the check crashed")
    assert not AuditCursor.objects.filter(name="test").exists()
    with rolling.window("test", AuditRun, rows=5) as window:
        first = list(AuditRun.objects.filter(window.q).order_by("pk").values_list("pk", flat=True))
    assert first == sorted(AuditRun.objects.values_list("pk", flat=True))[:5]


def test_raw_sql_sees_the_same_rows_as_the_orm():
    rows = some_rows(30)
    for _ in range(4):
        planned = rolling.plan("test", AuditRun, rows=8)
        where, params = planned.sql("id")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM audit_auditrun WHERE {where}", params)  # noqa: S608
            raw = sorted(pk for (pk,) in cursor.fetchall())
        assert raw == sorted(AuditRun.objects.filter(planned.q).values_list("pk", flat=True))
        assert set(raw) <= set(rows)
        rolling.advance("test", planned)


def test_p02_a_plaintext_token_at_the_far_end_of_a_large_table_is_found_within_a_round(
    settings,
):
    settings.AUDIT_ROWS_PER_CHECK = 100
    now = timezone.now()
    users = User.objects.bulk_create(
        User(username=f"u{index}", email=f"u{index}@example.com") for index in range(250)
    )
    InstagramConnection.objects.bulk_create(
        InstagramConnection(
            user=user,
            instagram_user_id=f"1784{user.pk}",
            username=f"shop{user.pk}",
            access_token="IGQVJ-real-looking-token",  # the field encrypts it
            token_issued_at=now,
            token_expires_at=now + dt.timedelta(days=60),
        )
        for user in users
    )
    last = InstagramConnection.objects.order_by("pk").last()
    assert last is not None
    with connection.cursor() as cursor:  # something wrote past the field, at the very end
        cursor.execute(
            "UPDATE instagram_connection SET access_token = %s WHERE id = %s",
            ["IGQVJ-plain", last.pk],
        )
    found = [line(audit()[0], "P02") for _ in range(3)]  # ceil(250 / 100) runs
    assert found[0] == found[1]
    assert found[0].startswith("P02 ok: ")
    assert found[2] == "P02 BREACH: 1 Instagram tokens stored without encryption"


def test_p31_photos_public_without_a_public_site_are_found_within_a_round(settings):
    """A window of 100 photos a run, 230 photos: the one exposed photo without any public site
    (planted in the middle) is found within three runs, and counted once."""
    settings.AUDIT_ROWS_PER_CHECK = 100
    owner = make_user("olivia")
    originals = Original.objects.bulk_create(
        Original(
            sha256=f"{index:064x}",
            token=f"{index:032x}",
            name=f"originals/{index}.jpg",
            format="jpeg",
            size=1,
            width=1080,
            height=1080,
        )
        for index in range(230)
    )
    photos = Photo.objects.bulk_create(
        Photo(owner=owner, original=original, filename="p.jpg") for original in originals
    )
    Photo.objects.filter(pk=photos[150].pk).update(exposed=True)  # planted: no site at all
    found = [line(audit()[0], "P31") for _ in range(3)]
    breaches = [text for text in found if text.startswith("P31 BREACH")]
    assert breaches == ["P31 BREACH: 1 photos public while no public site of their owner is online"]
