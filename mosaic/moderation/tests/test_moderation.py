"""C7, P10, P11: a visitor reports; moderation hides a photo, blocks a site or an account, with
a reason the owner reads and may appeal once; a block takes effect everywhere at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.moderation.services import (
    AlreadyHandled,
    act_on_report,
    answer_appeal,
    appeal,
    dismiss_report,
    file_report,
)
from mosaic.photos.models import Variant
from mosaic.privacy.services import erase_account, request_account_deletion
from mosaic.staff.models import AuditEntry
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls_and_timing(settings):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    settings.MODERATION_REPORT_MIN_SECONDS = 0
    cache.clear()  # the rate limit's counters


@pytest.fixture
def site(owner, commit):
    with commit():
        return services.create_site(owner=owner.user, slug="olivia", title="Olivia")


@pytest.fixture
def published(owner, site, commit):
    post = make_post(owner.user, "Sea")
    site.links.create(label="Shop", url="https://shop.example/")
    with commit():
        services.publish(site=site)
    site.refresh_from_db()
    return site, post


def form_of(page: str) -> dict[str, str]:
    started = re.search(r'name="started" value="([^"]+)"', page)
    assert started is not None
    return {"started": started.group(1), "ground": "spam", "details": "Fake shop", "email": ""}


def test_every_public_page_and_photo_page_links_to_the_report_form(published, visitor):
    site, post = published
    home = body(visitor.get("/olivia/"))
    photo = body(visitor.get(f"/olivia/p/{post.pk}/"))

    assert f'href="/report/{site.pk}/"' in home
    assert f'href="/report/{site.pk}/?photo={post.pk}"' in photo
    assert "<script>" not in home  # no JavaScript (JSON-LD aside)


def test_p11_a_visitor_reports_a_photo_and_nothing_of_their_address_is_kept(published, visitor):
    site, post = published
    page = visitor.get(f"/report/{site.pk}/?photo={post.pk}").text

    answer = visitor.post(
        f"/report/{site.pk}/?photo={post.pk}",
        {**form_of(page), "email": "viv@example.com"},
        REMOTE_ADDR="203.0.113.7",
    )

    assert "your report is sent" in answer.text
    [report] = AbuseReport.objects.all()
    assert (report.site, report.post, report.ground, report.email) == (
        site,
        post,
        "spam",
        "viv@example.com",
    )
    stored = " ".join(str(v) for v in AbuseReport.objects.values().get().values())
    assert "203.0.113.7" not in stored


def test_p11_spam_is_refused_a_filled_honeypot_a_forged_or_quick_form_and_too_many_reports(
    published, visitor, settings
):
    site, _post = published
    url = f"/report/{site.pk}/"
    good = form_of(visitor.get(url).text)

    assert visitor.post(url, {**good, "website": "http://spam.example"}).status_code == 400
    assert visitor.post(url, {**good, "started": "forged:123"}).status_code == 400
    assert visitor.post(url, {**good, "ground": "<b>"}).status_code == 400
    settings.MODERATION_REPORT_MIN_SECONDS = 60
    assert visitor.post(url, good).status_code == 400  # sent back within a second
    settings.MODERATION_REPORT_MIN_SECONDS = 0
    assert not AbuseReport.objects.exists()

    cache.clear()  # every attempt counts against the limit, refused or not
    statuses = [visitor.post(url, good).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert AbuseReport.objects.count() == 5


def test_a_private_or_unknown_site_cannot_be_reported(published, owner, visitor, commit):
    site, _post = published
    assert visitor.get("/report/999999/").status_code == 404
    with commit():
        services.update_settings(
            site=site, slug="olivia", visibility="private", hide_from_search=False
        )
    assert visitor.get(f"/report/{site.pk}/").status_code == 404
    assert "/report/" not in body(owner.client.get("/olivia/"))  # only its owner sees it


def test_p10_blocking_a_site_takes_pages_media_clicks_and_sitemap_offline_at_once(
    published, moderation_operator, owner, visitor, commit
):
    site, post = published
    variant = Variant.objects.filter(original__photos__post_items__post=post).first()
    assert variant is not None
    assert variant.public_name
    link_key = site.links.get().key
    assert visitor.get(f"/_m/c/{site.pk}/{link_key}/").status_code == 302
    report = file_report(site=site, post=post, ground="spam")

    with commit():
        act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind="block-site",
            ground="spam",
            reason="A fake shop taking payments",
        )

    assert visitor.get("/olivia/").status_code == 410
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 410
    assert visitor.get(f"/_m/c/{site.pk}/{link_key}/").status_code in (404, 410)
    variant.refresh_from_db()
    assert variant.public_name == ""  # no public copy left for nginx or the CDN
    assert not Site.objects.indexable().filter(pk=site.pk).exists()
    assert "olivia" not in visitor.get("/sitemap.xml").text
    report.refresh_from_db()
    assert report.status == "acted"
    entry = AuditEntry.objects.get(action="moderation: block-site")
    assert (entry.subject, entry.target) == (owner.user, f"site:{site.pk}")
    [notice] = mail.outbox
    assert "A fake shop taking payments" in notice.body
    # It cannot come back by publishing.
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert visitor.get("/olivia/").status_code == 410


def test_p10_the_owner_sees_why_and_appeals_once_and_a_granted_appeal_brings_the_site_back(
    published, moderation_operator, owner, visitor, commit
):
    site, _post = published
    report = file_report(site=site, post=None, ground="harassment")
    with commit():
        action = act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind="block-site",
            ground="harassment",
            reason="Insults aimed at a named person",
        )

    panel = owner.client.get("/panel/moderation/").text
    assert "Insults aimed at a named person" in panel
    sent = owner.client.post(f"/panel/moderation/{action.pk}/appeal/", {"text": "It was satire"})
    again = appeal(owner=owner.user, action=action, text="Please")
    assert sent.status_code == 302
    assert again is False
    with commit():
        assert answer_appeal(
            operator=moderation_operator.user, action=action, reverse=True, answer="Agreed"
        )

    assert visitor.get("/olivia/").status_code == 200
    action.refresh_from_db()
    assert (action.appeal, action.appeal_text) == ("reversed", "It was satire")
    assert "Agreed" in owner.client.get("/panel/moderation/").text


def test_p10_a_photo_hidden_by_moderation_is_on_no_page_and_the_owner_cannot_show_it(
    published, moderation_operator, owner, visitor, commit
):
    site, post = published
    other = make_post(owner.user, "Hills")
    with commit():
        services.publish(site=site)
    report = file_report(site=site, post=post, ground="sexual")
    with commit():
        act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind="hide-photo",
            ground="sexual",
            reason="Nudity",
        )

    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 404
    assert visitor.get(f"/olivia/p/{other.pk}/").status_code == 200
    assert all(
        v.public_name == "" for v in Variant.objects.filter(original__photos__post_items__post=post)
    )
    services.set_choice(site=site, post=post, hidden=False)
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 404


def test_p10_blocking_an_account_signs_it_out_takes_every_site_offline_and_stops_syncs(
    published, moderation_operator, owner, visitor, commit
):
    site, _post = published
    report = file_report(site=site, post=None, ground="illegal")
    with commit():
        act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind="block-account",
            ground="illegal",
            reason="Selling stolen goods",
        )

    owner.user.refresh_from_db()
    assert owner.user.is_active is False
    assert visitor.get("/olivia/").status_code == 410
    assert owner.client.get("/panel/").status_code in (302, 403)
    [notice] = mail.outbox
    link = re.search(r"http://\S+/report/appeal/\S+/", str(notice.body))
    assert link is not None  # a blocked account cannot sign in: the appeal is a signed link
    path = link.group(0).split("testserver", 1)[-1].split("localhost:8000", 1)[-1]
    page = visitor.get(path[path.index("/report/") :])
    assert "Selling stolen goods" in page.text
    visitor.post(path[path.index("/report/") :], {"text": "My shop is legal"})
    assert ModerationAction.objects.get().appeal == "pending"


def test_p10_a_blocked_site_is_kept_a_year_even_when_its_owner_deletes_the_account(
    published, moderation_operator, owner, commit
):
    site, _post = published
    with commit():
        act_on_report(
            operator=moderation_operator.user,
            report=file_report(site=site, post=None, ground="spam"),
            kind="block-site",
            ground="spam",
            reason="Spam",
        )
    request_account_deletion(user=owner.user)

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=200)):
        erase_account(user=owner.user)
    assert Site.objects.filter(pk=site.pk).exists()


def test_a_report_is_handled_once_and_only_by_moderation(
    published, moderation_operator, support_operator
):
    site, _post = published
    report = file_report(site=site, post=None, ground="spam")
    with pytest.raises(PermissionDenied):
        dismiss_report(operator=support_operator.user, report=report, reason="no")
    dismiss_report(operator=moderation_operator.user, report=report, reason="Not spam")
    with pytest.raises(AlreadyHandled):
        dismiss_report(operator=moderation_operator.user, report=report, reason="again")


def test_moderation_works_the_queue_through_its_screens(published, moderation_operator, visitor):
    site, post = published
    report = file_report(site=site, post=post, ground="copyright", details="My photo")
    client = moderation_operator.client

    queue = client.get("/operators/moderation/").text
    assert f"/operators/moderation/reports/{report.pk}/" in queue
    page = client.get(f"/operators/moderation/reports/{report.pk}/").text
    assert "My photo" in page
    no_reason = client.post(
        f"/operators/moderation/reports/{report.pk}/",
        {"decision": "hide-photo", "ground": "copyright", "reason": " "},
    )
    assert no_reason.status_code == 400
    client.post(
        f"/operators/moderation/reports/{report.pk}/",
        {"decision": "hide-photo", "ground": "copyright", "reason": "The photographer asked"},
    )

    assert ModerationAction.objects.get().kind == "hide-photo"
    assert AuditEntry.objects.filter(action="read abuse report").count() == 1
