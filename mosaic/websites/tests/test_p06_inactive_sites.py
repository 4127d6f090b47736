"""P06: sites left alone are warned about twice, then deleted with their imported content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from PIL import Image

from mosaic.accounts.models import User
from mosaic.photos.models import Photo
from mosaic.photos.services import add_photo
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, save_post
from mosaic.websites.inactivity import note_owner_edit
from mosaic.websites.models import InactivityWarning, Site

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
DEADLINE = START + 183 * DAY


@pytest.fixture
def site(settings, owner):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WEBSITES_INACTIVE_DAYS = 183
    settings.WEBSITES_INACTIVE_WARNING_DAYS = (30, 7)
    with time_machine.travel(START, tick=False):
        User.objects.filter(pk=owner.user.pk).update(last_login=START, date_joined=START)
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
        buffer.seek(0)
        photo = add_photo(owner=owner.user, source=buffer, filename="red.png")
        save_post(
            owner=owner.user,
            source=Post.Source.INSTAGRAM,
            external_id="1",
            caption="hi",
            taken_at=START,
            items=[NewItem(photo=photo)],
        )
        return Site.objects.create(owner=owner.user, slug="olivia", title="Olivia")


@pytest.fixture
def sweep_on(django_capture_on_commit_callbacks):
    """Run the daily sweep on ``day``, with the emails it enqueues after commit."""

    def run(day: dt.datetime) -> None:
        with time_machine.travel(day, tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command("privacy_sweep", stdout=io.StringIO())

    return run


def test_p06_an_inactive_site_is_warned_30_and_7_days_ahead_then_deleted_with_its_posts(
    site, sweep_on
):
    sweep_on(DEADLINE - 31 * DAY)
    assert mail.outbox == []

    sweep_on(DEADLINE - 30 * DAY)
    sweep_on(DEADLINE - 29 * DAY)  # once only
    assert len(mail.outbox) == 1
    assert "/olivia/" in mail.outbox[0].subject
    assert "sign in" in mail.outbox[0].body

    sweep_on(DEADLINE - 7 * DAY)
    assert len(mail.outbox) == 2

    sweep_on(DEADLINE - DAY)
    assert Site.objects.filter(pk=site.pk).exists()

    sweep_on(DEADLINE)
    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Post.objects.exists()
    assert not Photo.objects.exists()
    assert User.objects.filter(pk=site.owner_id).exists(), "the account itself stays"


def test_p06_the_warning_is_in_the_language_the_owner_last_used(site, sweep_on):
    User.objects.filter(pk=site.owner_id).update(language="ru")
    sweep_on(DEADLINE - 30 * DAY)
    assert len(mail.outbox) == 1
    assert "Ваш сайт /olivia/ будет удалён" in mail.outbox[0].subject


def test_p06_signing_in_moves_the_deadline_and_a_new_spell_is_warned_afresh(site, owner, sweep_on):
    sweep_on(DEADLINE - 30 * DAY)
    assert len(mail.outbox) == 1

    came_back = DEADLINE - 20 * DAY
    with time_machine.travel(came_back, tick=False):
        owner.sign_in()
    sweep_on(DEADLINE + DAY)
    assert Site.objects.filter(pk=site.pk).exists()
    assert len(mail.outbox) == 1

    new_deadline = came_back + 183 * DAY
    sweep_on(new_deadline - 30 * DAY)
    assert len(mail.outbox) == 2
    assert InactivityWarning.objects.filter(deadline=new_deadline).count() == 1


def test_p06_an_edit_counts_as_activity(site, sweep_on):
    with time_machine.travel(START + 100 * DAY, tick=False):
        note_owner_edit(site=site)
    sweep_on(DEADLINE)
    assert Site.objects.filter(pk=site.pk).exists()
    assert mail.outbox == []


def test_p06_a_late_first_warning_still_gives_the_full_notice_before_deletion(site, sweep_on):
    """The scheduler was down: the sweep first runs after the deadline has passed. The
    deletion moves to 30 days after that first warning, with the 7-day one a week before."""
    late = DEADLINE + 3 * DAY
    sweep_on(late)
    assert len(mail.outbox) == 1
    assert "Your site will be deleted permanently on" in mail.outbox[0].body
    assert "9 August 2026" in mail.outbox[0].body  # 30 days from now, not the passed deadline
    assert late + 30 * DAY == dt.datetime(2026, 8, 9, 9, tzinfo=dt.UTC)
    sweep_on(late + 22 * DAY)
    assert len(mail.outbox) == 1
    sweep_on(late + 23 * DAY)
    assert len(mail.outbox) == 2
    sweep_on(late + 29 * DAY)
    assert Site.objects.filter(pk=site.pk).exists(), "30 days after the first warning, not sooner"
    sweep_on(late + 30 * DAY)
    assert not Site.objects.filter(pk=site.pk).exists()


def test_p06_content_shown_by_another_site_of_the_owner_stays(site, owner, sweep_on):
    with time_machine.travel(START + 150 * DAY, tick=False):
        other = Site.objects.create(owner=owner.user, slug="olivia-two", title="Two")
    sweep_on(DEADLINE - 30 * DAY)
    sweep_on(DEADLINE - 7 * DAY)
    sweep_on(DEADLINE)
    assert not Site.objects.filter(pk=site.pk).exists()
    assert Site.objects.filter(pk=other.pk).exists()
    assert Post.objects.count() == 1


def test_p06_the_dry_run_counts_without_warning_or_deleting(site):
    out = io.StringIO()
    with time_machine.travel(START + 200 * DAY, tick=False):
        call_command("privacy_sweep", "--dry-run", stdout=out)
    assert "inactive-sites" in out.getvalue()
    assert mail.outbox == []
    assert Site.objects.filter(pk=site.pk).exists()


def test_p06_the_self_audit_reports_a_site_the_sweep_left_behind(site):
    out = io.StringIO()
    with time_machine.travel(DEADLINE + 20 * DAY, tick=False), pytest.raises(CommandError):
        call_command("privacy_audit", stdout=out)
    assert "P06 BREACH: 1 inactive sites past their deletion date" in out.getvalue()

    out = io.StringIO()
    with time_machine.travel(DEADLINE + DAY, tick=False):
        call_command("privacy_audit", stdout=out)  # within the warnings' own delay
    assert "P06 ok" in out.getvalue()


def test_p06_warnings_count_from_their_delivery_so_a_mail_outage_moves_the_deletion_later(
    site, smtp_server, mailed
):
    """The mail server refuses everything for ten days around the first warning: the site is
    deleted 30 days after that warning finally arrived, not 30 days after it was written."""
    from mosaic.mail.services import hand_due

    def day(when: dt.datetime) -> None:  # the scheduler's day: mail.send_due, then the sweep
        for hour in range(0, 24, 2):
            with time_machine.travel(when + dt.timedelta(hours=hour), tick=False), mailed():
                hand_due()
        with time_machine.travel(when, tick=False), mailed():
            call_command("privacy_sweep", stdout=io.StringIO())

    smtp_server.refuse = 10**6
    for offset in range(30, 20, -1):
        day(DEADLINE - offset * DAY)
    assert smtp_server.messages == []
    assert InactivityWarning.objects.get().delivered_at is None

    smtp_server.refuse = 0
    arrived = DEADLINE - 20 * DAY
    day(arrived)
    [first] = smtp_server.messages
    assert "/olivia/" in first["Subject"]
    for offset in range(-19, 3):  # the 7-day warning is due 7 days before the moved date
        day(DEADLINE + offset * DAY)
    assert len(smtp_server.messages) == 1
    day(DEADLINE + 3 * DAY)
    assert len(smtp_server.messages) == 2

    day(arrived + 29 * DAY)
    assert Site.objects.filter(pk=site.pk).exists(), "30 days after the warning arrived"
    day(arrived + 30 * DAY)
    assert not Site.objects.filter(pk=site.pk).exists()
