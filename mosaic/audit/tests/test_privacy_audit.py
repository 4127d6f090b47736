"""The self-audit: a breach of each kind planted in the database is reported; a clean one is ok."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from mosaic.audit.models import AuditRun
from mosaic.audit.registry import audit_check, checks
from mosaic.audit.tests.running import audit, line
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.photos.storage import private_storage
from mosaic.policy import cookies
from mosaic.policy.models import PolicyVersion
from mosaic.privacy.models import DataExport, SealedArchive
from mosaic.privacy.registry import Category

pytestmark = pytest.mark.django_db

PROMISES = ("P01", "P02", "P03", "P06", "P08", "P09", "P13", "P14", "P20")


def test_a_clean_database_passes_every_check_and_exits_zero(owner):
    owner.client.get("/panel/")  # a live session record, with its whole IP: within its period

    lines, code = audit()

    assert code == 0
    for promise in PROMISES:
        assert line(lines, promise).startswith(f"{promise} ok: ")
    assert AuditRun.objects.get().ok


def test_p08_an_account_past_its_quarantine_is_a_breach(owner):
    owner.user.scheduled_deletion_at = timezone.now() - dt.timedelta(days=3)
    owner.user.save(update_fields=["scheduled_deletion_at"])

    lines, code = audit()

    assert code == 1
    assert line(lines, "P08") == "P08 BREACH: 1 accounts still present after their quarantine ended"


def test_p03_a_whole_ip_address_past_the_security_log_period_is_a_breach(owner, settings):
    owner.client.get("/panel/")
    UserSession.objects.update(
        ip="203.0.113.9",
        created_at=timezone.now() - dt.timedelta(days=settings.PRIVACY_SECURITY_LOG_DAYS + 3),
    )

    lines, _code = audit()

    assert line(lines, "P03").startswith("P03 BREACH: 1 session IP addresses")
    UserSession.objects.update(ip="203.0.0.0")  # what the sweep leaves: only the network
    assert line(audit()[0], "P03").startswith("P03 ok: ")


def test_p02_a_plaintext_token_in_the_database_is_a_breach(owner):
    InstagramConnection.objects.create(
        user=owner.user,
        instagram_user_id="17841",
        username="olivia.shop",
        access_token="IGQVJ-real-looking-token",
        token_issued_at=timezone.now(),
        token_expires_at=timezone.now() + dt.timedelta(days=60),
    )
    assert line(audit()[0], "P02").startswith("P02 ok: ")  # the field encrypts it

    with connection.cursor() as cursor:  # something wrote past the field
        cursor.execute("UPDATE instagram_connection SET access_token = %s", ["IGQVJ-plain"])

    assert line(audit()[0], "P02") == "P02 BREACH: 1 Instagram tokens stored without encryption"


def test_p09_a_sealed_archive_past_its_period_is_a_breach():
    SealedArchive.objects.create(
        created_at=timezone.now() - dt.timedelta(days=800),
        destroy_after=timezone.now() - dt.timedelta(days=5),
        email_lookup="a" * 64,
        username_lookup="b" * 64,
        key_fingerprint="c" * 16,
        ephemeral_public_key=b"k",
        nonce=b"n",
        ciphertext=b"x",
    )

    assert line(audit()[0], "P09") == "P09 BREACH: 1 sealed archives kept past their period"


def test_p20_an_expired_export_or_a_stray_export_file_is_a_breach(owner):
    DataExport.objects.create(
        user=owner.user,
        status=DataExport.Status.READY,
        expires_at=timezone.now() - dt.timedelta(days=3),
    )
    private_storage().save("exports/left-behind.zip", ContentFile(b"PK"))

    assert line(audit()[0], "P20") == (
        "P20 BREACH: 1 data exports kept past their period; "
        "1 export files on disk without a current export"
    )


def test_p14_a_version_with_short_notice_is_a_breach():
    now = timezone.now()
    PolicyVersion.objects.create(
        kind="privacy",
        number=1,
        published_at=now,
        effective_at=now + dt.timedelta(days=4),
        summary="Rushed.",
        body="<p>x</p>",
    )

    assert line(audit()[0], "P14") == (
        "P14 BREACH: 1 policy versions published with less than 5 days' notice"
    )


def test_p13_an_undeclared_or_unconsented_cookie_is_a_breach(settings, monkeypatch):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"  # production's name: declared from settings
    assert line(audit()[0], "P13").startswith("P13 ok: ")

    original = cookies.inventory
    monkeypatch.setattr(
        cookies,
        "inventory",
        lambda: (
            [c for c in original() if c.name != settings.CSRF_COOKIE_NAME]
            + [cookies.Cookie("_tracker", "Ads", "1 year", essential=False)]
        ),
    )

    assert line(audit()[0], "P13") == (
        "P13 BREACH: cookies set but not declared: csrftoken; "
        "non-essential cookies without a consent dialog: _tracker"
    )


def test_p01_a_category_without_an_eraser_is_a_breach(monkeypatch):
    from mosaic.privacy import registry

    class Forgotten(Category):
        key = "forgotten"
        title = description = purpose = legal_basis = "x"
        holdings = ()

    monkeypatch.setitem(registry._categories, "forgotten", Forgotten())

    assert line(audit()[0], "P01") == (
        "P01 BREACH: categories without an exporter, eraser or retention: forgotten"
    )


def test_a_check_that_crashes_counts_as_a_breach_of_its_promise(monkeypatch):
    from mosaic.audit import registry

    monkeypatch.setattr(registry, "_checks", list(checks()))  # this test's check goes with it

    @audit_check("P99")
    def broken(now: dt.datetime) -> list[str]:
        raise RuntimeError("cannot look")

    lines, code = audit()

    assert code == 1
    assert (
        line(lines, "P99")
        == "P99 BREACH: check mosaic.audit.tests.test_privacy_audit.broken failed: RuntimeError"
    )


def test_the_daily_job_runs_it_and_operators_of_any_role_see_the_last_result(
    owner, other_owner, make_operator
):
    from mosaic.audit.periodic import daily_privacy_audit

    owner.user.scheduled_deletion_at = timezone.now() - dt.timedelta(days=3)
    owner.user.save(update_fields=["scheduled_deletion_at"])
    daily_privacy_audit.call()
    assert other_owner.client.get("/operators/audit/").status_code == 404

    page = make_operator("moderation").client.get("/operators/audit/").content.decode()

    assert "1 promise breached" in page
    assert "P08 BREACH: 1 accounts still present" in page
    assert "P02 ok" in page
