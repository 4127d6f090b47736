"""Scheduled link buttons: typed in the site's time zone, shown only between their times, and
the published pages follow each start and end within a minute (the scheduler republishes)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine

from mosaic.jobs.registry import registered_jobs
from mosaic.jobs.services import enqueue_due_jobs
from mosaic.websites import services
from mosaic.websites.models import Site, SiteLink
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BERLIN = "Europe/Berlin"  # UTC+1 in early March


@pytest.fixture
def site(owner, commit):
    with time_machine.travel(START, tick=False):
        make_post(owner.user, "Spring")
        with commit():
            site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
            Site.objects.filter(pk=site.pk).update(timezone=BERLIN)
            site.refresh_from_db()
            services.add_link(site=site, label="Always here", url="https://example.com/a")
            services.publish(site=site)
    return site


def add_sale(owner, site, **times: str):
    data = {"label": "Spring sale", "url": "https://shop.example/sale", **times}
    return owner.client.post(f"/panel/sites/{site.pk}/links/", data)


def run_scheduler(commit) -> list[str]:
    jobs = [job for job in registered_jobs() if job.name == "websites.scheduled_links"]
    with commit():
        return enqueue_due_jobs(jobs=jobs)


def test_times_are_read_in_the_sites_time_zone(owner, site):
    with time_machine.travel(START, tick=False):
        response = add_sale(owner, site, starts_at="2026-03-02T12:00", ends_at="2026-03-02T14:00")
    assert response.status_code == 302
    link = SiteLink.objects.get(label="Spring sale")
    assert link.starts_at == dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    assert link.ends_at == dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC)
    with time_machine.travel(START, tick=False):
        page = body(owner.client.get(f"/panel/sites/{site.pk}/"))
    # The editor shows them back as the owner typed them, and says in which zone.
    assert 'value="2026-03-02T12:00"' in page
    assert "Scheduled: shows from 2 Mar 2026, 12:00" in page
    assert "Europe/Berlin" in page


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"starts_at": "2026-03-02T14:00", "ends_at": "2026-03-02T12:00"}, "after the start"),
        ({"starts_at": "2026-03-02T12:00", "ends_at": "2026-03-02T12:00"}, "after the start"),
        ({"starts_at": "next tuesday"}, "Enter a valid date/time"),
        # 29 March 2026, 02:30 does not exist in Berlin (clocks go from 02:00 to 03:00).
        ({"starts_at": "2026-03-29T02:30"}, "be interpreted in time zone"),
    ],
)
def test_it_refuses_impossible_times_with_a_message(owner, site, times, message):
    with time_machine.travel(START, tick=False):
        response = add_sale(owner, site, **times)
    assert response.status_code == 400
    assert message in body(response)
    assert not SiteLink.objects.filter(label="Spring sale").exists()


def test_a_bad_time_zone_is_refused(owner, site):
    data = {"slug": "olivia", "visibility": "public", "time_zone": "Mars/Olympus"}
    response = owner.client.post(f"/panel/sites/{site.pk}/settings/", data)
    assert response.status_code == 400
    site.refresh_from_db()
    assert site.timezone == BERLIN


def test_the_time_zone_is_chosen_in_the_settings(owner, site):
    data = {"slug": "olivia", "visibility": "public", "time_zone": "America/New_York"}
    assert owner.client.post(f"/panel/sites/{site.pk}/settings/", data).status_code == 302
    site.refresh_from_db()
    assert site.timezone == "America/New_York"


def test_the_published_page_follows_the_start_and_the_end(owner, site, visitor, commit):
    with time_machine.travel(START, tick=False):
        add_sale(owner, site, starts_at="2026-03-02T12:00", ends_at="2026-03-02T14:00")
        # Published now: the snapshot holds the link; the page does not show it yet.
        with commit():
            services.publish(site=Site.objects.get(pk=site.pk))
        # A draft change the owner has not published must stay unpublished.
        owner.client.post(
            f"/panel/sites/{site.pk}/design/",
            {"title": "Not yet", "bio": "", "theme": "grid", "accent": "#1d5fd1"},
        )
        assert Site.objects.get(pk=site.pk).title == "Not yet"
        home = body(visitor.get("/olivia/"))
        assert "Always here" in home
        assert "Spring sale" not in home
        site.refresh_from_db()
        assert site.next_link_change_at == dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)

    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 59, tzinfo=dt.UTC), tick=False):
        run_scheduler(commit)
        assert "Spring sale" not in body(visitor.get("/olivia/"))

    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, 40, tzinfo=dt.UTC), tick=False):
        run_scheduler(commit)
        home = body(visitor.get("/olivia/"))
        assert "Spring sale" in home
        assert "Not yet" not in home  # the boundary republished the snapshot, not the draft
        site.refresh_from_db()
        assert site.next_link_change_at == dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC)

    with time_machine.travel(dt.datetime(2026, 3, 2, 13, 0, 50, tzinfo=dt.UTC), tick=False):
        run_scheduler(commit)
        home = body(visitor.get("/olivia/"))
        assert "Spring sale" not in home
        assert "Always here" in home
        site.refresh_from_db()
        assert site.next_link_change_at is None


def test_two_scheduler_runs_publish_a_boundary_once(owner, site, commit):
    with time_machine.travel(START, tick=False):
        add_sale(owner, site, starts_at="2026-03-02T12:00")
        with commit():
            services.publish(site=Site.objects.get(pk=site.pk))
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, 5, tzinfo=dt.UTC), tick=False):
        first = services.republish_due_links(now=dt.datetime.now(tz=dt.UTC))
        second = services.republish_due_links(now=dt.datetime.now(tz=dt.UTC))
    assert (first, second) == (1, 0)


def test_an_unscheduled_link_leaves_the_snapshot_as_it_was(site):
    link = site.links.get()
    assert set(site.published["links"][0]) == {"id", "key", "label", "url"}
    assert link.schedule_state(START) == "always"


def test_the_zip_export_shows_the_links_live_when_it_is_made(owner, site, commit):
    with time_machine.travel(START, tick=False):
        add_sale(owner, site, starts_at="2026-03-02T12:00", ends_at="2026-03-02T14:00")
        with commit():
            services.publish(site=Site.objects.get(pk=site.pk))
        before = owner.client.get(f"/panel/sites/{site.pk}/export/")
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        during = owner.client.get(f"/panel/sites/{site.pk}/export/")

    def home(response) -> str:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        return archive.read("olivia/index.html").decode()

    assert "Spring sale" not in home(before)
    page = home(during)
    assert "Spring sale" in page
    assert 'href="https://shop.example/sale"' in page


def test_the_job_runs_every_minute():
    job = next(job for job in registered_jobs() if job.name == "websites.scheduled_links")
    assert job.every == dt.timedelta(minutes=1)


def test_a_deleted_site_is_not_republished_at_a_boundary(owner, site, commit):
    with time_machine.travel(START, tick=False):
        add_sale(owner, site, starts_at="2026-03-02T12:00")
        with commit():
            services.publish(site=Site.objects.get(pk=site.pk))
            services.delete_site(site=Site.objects.get(pk=site.pk))
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, 5, tzinfo=dt.UTC), tick=False):
        assert services.republish_due_links(now=dt.datetime.now(tz=dt.UTC)) == 0
    assert not Site.objects.get(pk=site.pk).publish_pending
