# ruff: noqa: F811  (the commit fixture is imported from the websites tests)
"""``manage.py privacy_audit`` prints exactly one line for every promise P01-P34, looks at live
data (the cache, what the public media storage and the served builds hold, sealed archives,
holds), exits 0 on a fresh database and 1 on a planted breach."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from conftest import make_user
from mosaic.audit.promises import PROMISES
from mosaic.audit.tests.running import audit, line
from mosaic.consent.models import NewsletterSubscriber
from mosaic.mail.models import Delivery
from mosaic.photos.models import Photo
from mosaic.photos.storage import public_storage
from mosaic.posts.models import Post
from mosaic.privacy.models import CorrectionRequest, LegalHold
from mosaic.stats.models import Event
from mosaic.websites import publishing, services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import commit, make_post  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ABSENT: set[str] = set()


def published(owner) -> Site:
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
    services.publish(site=site)
    return site


def test_a_fresh_database_prints_34_promise_lines_and_exits_zero():
    lines, code = audit()
    assert code == 0, lines
    assert len(lines) == 34
    assert [text.split()[0] for text in lines] == [f"P{n:02d}" for n in range(1, 35)]
    for text in lines:
        promise = text.split()[0]
        if promise in ABSENT:
            assert text.startswith(f"{promise} not applicable: "), text
        else:
            assert text.startswith(f"{promise} ok: "), text
    assert [p.id for p in PROMISES if not p.applicable] == sorted(ABSENT)


def breached(promise: str) -> str:
    lines, code = audit()
    assert code == 1
    assert len([text for text in lines if text.startswith("P")]) >= 34
    text = line(lines, promise)
    assert text.startswith(f"{promise} BREACH: "), text
    return text


def test_p31_a_public_copy_no_public_site_shows_is_a_breach(owner, commit):
    make_post(owner.user, "Shown")
    with commit():
        site = published(owner)
    assert line(audit()[0], "P31").startswith("P31 ok: ")
    # planted: the site goes private but its photos stay public (the old bug)
    Site.objects.filter(pk=site.pk).update(visibility="private")
    assert "photos public while no public site" in breached("P31")


def test_p31_a_stray_file_in_the_public_storage_is_a_breach():
    public_storage().save("photos/notatoken/x.jpeg", ContentFile(b"private bytes"))
    assert "1 public photo folders of no current public copy" in breached("P31")


def test_p03_an_expired_cache_row_or_a_plain_key_is_a_breach():
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the database cache's rows")
    long_ago = timezone.now() - dt.timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",  # noqa: S608
            [":1:allauth:rl:login_failed:ip:203.0.113.9", "gAJdcQAu", long_ago],
        )
    text = breached("P03")
    assert "1 expired cache rows not culled" in text
    assert "1 cache keys that are not keyed hashes" in text
    assert "203.0.113.9" not in text  # counts only


def test_p10_an_active_hold_whose_data_is_gone_is_a_breach(owner):
    LegalHold.objects.create(case_reference="LR-1", reason="order", placed_at=timezone.now())
    assert "1 active legal holds whose data is gone" in breached("P10")


def test_p05_imports_kept_without_a_site_past_their_period_is_a_breach(owner, settings):
    post = make_post(owner.user, "Imported")
    old = timezone.now() - dt.timedelta(days=settings.PRIVACY_IMPORTS_WITHOUT_SITE_DAYS + 5)
    Post.objects.filter(pk=post.pk).update(source=Post.Source.INSTAGRAM, created_at=old)
    assert "1 accounts holding imported posts" in breached("P05")


def test_p07_a_served_page_of_a_removed_post_is_a_breach(owner, commit):
    post = make_post(owner.user, "Soon removed")
    with commit():
        site = published(owner)
    Post.objects.filter(pk=post.pk).delete()  # planted: the row goes, the page stays
    build = publishing.build_folder(Site.objects.get(pk=site.pk))
    assert build is not None
    assert (build / "p" / str(post.pk) / "index.html").exists()
    assert "1 served pages of removed posts" in breached("P07")


def test_p21_a_private_site_served_for_indexing_is_a_breach(owner, commit):
    make_post(owner.user, "A post")
    with commit():
        site = published(owner)
    Site.objects.filter(pk=site.pk).update(visibility="private")  # the link was not removed
    assert os.path.islink(publishing.site_folder("olivia") / "current")
    assert "1 sites served for indexing" in breached("P21")


def test_p19_every_sign_in_from_one_private_address_is_a_breach_in_production(settings):
    settings.PRODUCTION = True
    for name in ("ana", "ben", "cyd"):
        user = make_user(name)
        UserSession.objects.create(
            user=user, ip="127.0.0.1", session_key=f"s{name}", user_agent="x", data={}
        )
    assert "set TRUSTED_PROXY_COUNT" in breached("P19")


def test_p29_promotional_mail_waiting_for_an_account_in_quarantine_is_a_breach(owner):
    owner.user.scheduled_deletion_at = timezone.now() + dt.timedelta(days=100)
    owner.user.save(update_fields=["scheduled_deletion_at"])
    now = timezone.now()
    Delivery.objects.create(
        template="consent/email/newsletter",
        kind=Delivery.Kind.PROMOTIONAL,
        to=owner.user.email,
        user=owner.user,
        subject="s",
        headers={"List-Unsubscribe": "<https://mosaic.example/u/>"},
        created_at=now,
        next_attempt_at=now,
    )
    assert "1 promotional messages waiting for accounts in quarantine" in breached("P29")


def test_p17_p33_overdue_newsletter_and_correction_are_breaches(owner):
    NewsletterSubscriber.objects.create(
        email="late@example.org",
        email_hash="h" * 64,
        created_at=timezone.now() - dt.timedelta(days=30),
    )
    CorrectionRequest.objects.create(
        user=owner.user, what="name", correction="Olivia", deadline=timezone.now()
    )
    assert "1 unconfirmed newsletter addresses" in breached("P17")
    assert "1 correction requests open past their deadline" in breached("P33")


def test_p12_a_raw_event_past_its_period_is_a_breach(owner, commit):
    with commit():
        site = published(owner)
    Event.objects.create(
        site=site,
        kind="page",
        at=timezone.now() - dt.timedelta(days=30),
        device="phone",
        visitor="v" * 64,
    )
    assert "1 raw statistics events past their period" in breached("P12")


def test_p08_a_public_photo_of_an_account_in_quarantine_is_a_breach(owner):
    make_post(owner.user, "Exposed")
    Photo.objects.filter(owner=owner.user).update(exposed=True)
    owner.user.scheduled_deletion_at = timezone.now() + dt.timedelta(days=100)
    owner.user.save(update_fields=["scheduled_deletion_at"])
    assert "photos of accounts in quarantine still public" in breached("P08")


def test_p15_a_disclosure_against_a_request_that_does_not_allow_it_is_a_breach():
    from mosaic.legal.models import Disclosure, LegalRequest

    now = timezone.now()
    pending = LegalRequest.objects.create(
        authority="Police",
        reference="A-1",
        received_on=now.date(),
        scope="everything",
        recorded_at=now,
        delete_after=now + dt.timedelta(days=1000),
    )
    assert line(audit()[0], "P15").startswith("P15 ok: ")
    Disclosure.objects.create(legal_request=pending, kind="account-data", at=now, target="user:1")
    assert "1 disclosures without a request that allows them" in breached("P15")
