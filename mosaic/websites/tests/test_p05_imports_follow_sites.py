"""P05: imported content is kept only while a site exists; erasure withdraws the newsletter
consent; no promotional mail reaches an account in quarantine (P08, P29)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from mosaic.consent.mailing import address_hash
from mosaic.consent.models import Consent, NewsletterSubscriber
from mosaic.consent.services import give_consent, start_newsletter
from mosaic.mail.models import Delivery
from mosaic.mail.services import PROMOTIONAL, send
from mosaic.photos.models import Photo
from mosaic.photos.storage import guarded_storage, private_storage
from mosaic.posts.models import Post
from mosaic.privacy.services import erase_account, request_account_deletion
from mosaic.profiles.models import Profile
from mosaic.profiles.services import set_avatar
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)


def imported(user, caption: str) -> Post:
    post = make_post(user, caption)
    Post.objects.filter(pk=post.pk).update(source=Post.Source.INSTAGRAM)
    return post


def sweep() -> None:
    call_command("privacy_sweep", stdout=io.StringIO())


def test_p05_imported_content_goes_with_the_last_site_after_its_quarantine(owner, commit):
    with time_machine.travel(START, tick=False):
        post = imported(owner.user, "From Instagram")
        upload = make_post(owner.user, "My own upload")
        names = [v.name for v in Photo.objects.get(post_items__post=post).variants]
        with commit():
            site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
            services.delete_site(site=site)
    with time_machine.travel(START + dt.timedelta(days=100), tick=False):
        sweep()
        assert Post.objects.filter(pk=post.pk).exists()  # restorable during the quarantine
    with time_machine.travel(START + dt.timedelta(days=181), tick=False), commit():
        sweep()
    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not any(guarded_storage().exists(name) for name in names)
    assert Post.objects.filter(pk=upload.pk).exists()  # the owner's own uploads stay


def test_p05_p28_imports_going_with_the_last_site_leave_the_owners_avatar_of_the_same_file(
    owner, commit
):
    """The owner uploaded an imported photo's file as their avatar: the same photo. The
    imports go with the site; the avatar is the owner's own upload and stays, with its files."""
    with time_machine.travel(START, tick=False):
        post = imported(owner.user, "From Instagram")
        photo = Photo.objects.get(post_items__post=post)
        data = private_storage().open(photo.original.name).read()
        with commit():
            set_avatar(user=owner.user, source=io.BytesIO(data), filename="me.png")
            site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
            services.choose_avatar(site=site, photo=photo)
            services.delete_site(site=site)
        assert Profile.objects.get(pk=owner.user.pk).avatar_id == photo.pk
        names = [v.name for v in photo.variants]
    with time_machine.travel(START + dt.timedelta(days=181), tick=False), commit():
        sweep()
    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert Profile.objects.get(pk=owner.user.pk).avatar_id == photo.pk
    assert private_storage().exists(photo.original.name)
    assert all(guarded_storage().exists(name) for name in names)


def test_p05_imported_content_stays_while_another_site_exists(owner, commit):
    with time_machine.travel(START, tick=False):
        post = imported(owner.user, "From Instagram")
        with commit():
            first = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
            services.create_site(owner=owner.user, slug="olivia-two", title="Two")
            services.delete_site(site=first)
    with time_machine.travel(START + dt.timedelta(days=181), tick=False), commit():
        sweep()
    assert not Site.objects.filter(pk=first.pk).exists()
    assert Post.objects.filter(pk=post.pk).exists()


def test_p05_an_account_holding_imports_without_a_site_is_swept_after_the_period(
    owner, other_owner, settings, commit
):
    settings.PRIVACY_IMPORTS_WITHOUT_SITE_DAYS = 30
    with time_machine.travel(START, tick=False):
        lonely = imported(owner.user, "Never made a site")
        kept = imported(other_owner.user, "Oscar has a site")
        with commit():
            services.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        sweep()
        assert Post.objects.filter(pk=lonely.pk).exists()
    with time_machine.travel(START + dt.timedelta(days=31), tick=False), commit():
        sweep()
    assert not Post.objects.filter(pk=lonely.pk).exists()
    assert Post.objects.filter(pk=kept.pk).exists()


def test_p17_erasure_withdraws_the_newsletter_consent_of_the_accounts_address(owner):
    email = owner.user.email
    NewsletterSubscriber.objects.create(
        email=email, email_hash=address_hash(email), confirmed_at=START
    )
    give_consent(purpose="newsletter", via="newsletter_form", subject_hash=address_hash(email))
    give_consent(purpose="promotional_email", via="email_preferences", user=owner.user)
    assert Consent.objects.count() == 2
    erase_account(user=owner.user)
    assert not Consent.objects.filter(subject_hash=address_hash(email)).exists()
    assert not Consent.objects.exists()
    assert not NewsletterSubscriber.objects.exists()


def test_p29_no_promotional_mail_reaches_an_account_in_quarantine(
    smtp_server, owner, other_owner, django_capture_on_commit_callbacks
):
    give_consent(purpose="promotional_email", via="email_preferences", user=owner.user)
    give_consent(purpose="promotional_email", via="email_preferences", user=other_owner.user)
    email = owner.user.email
    NewsletterSubscriber.objects.create(
        email=email, email_hash=address_hash(email), confirmed_at=START
    )
    waiting = send(
        "consent/email/newsletter",
        to=email,
        user=owner.user,
        kind=PROMOTIONAL,
        unsubscribe_url="https://mosaic.example/email/unsubscribe/x/",
        context={"subject": "Old news", "body": "Queued before."},
    )
    request_account_deletion(user=owner.user)
    assert Delivery.objects.get(pk=waiting.pk).status == Delivery.Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        start_newsletter(subject="Spring news", body="New themes are here.")

    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == ["oscar@example.com"]  # Olivia is in quarantine: neither as user nor address
    assert not Delivery.objects.filter(to=email, kind=PROMOTIONAL, status="queued").exists()
