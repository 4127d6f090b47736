"""The profile is exported and erased with the account (P20, P08), in batches."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.photos.models import Original, Photo
from mosaic.photos.storage import private_storage
from mosaic.photos.tests.images import exif_with_secrets, make_image
from mosaic.privacy.models import DataExport
from mosaic.privacy.registry import category
from mosaic.privacy.services import erase_accounts
from mosaic.profiles import services
from mosaic.profiles.models import Profile
from mosaic.profiles.privacy import NO_AVATAR
from mosaic.profiles.tests.conftest import upload

pytestmark = pytest.mark.django_db


def with_profile(user: User, name: str = "Olivia Marsh") -> Photo:
    services.set_display_name(user=user, display_name=name)
    data = make_image("JPEG", color=(user.pk * 70 % 256, 60, 30), exif=exif_with_secrets())
    profile = services.set_avatar(user=user, source=upload(data), filename="me.jpg")
    assert profile.avatar is not None
    return profile.avatar


def test_p20_the_export_holds_the_display_name_and_the_avatar_as_uploaded(
    owner, django_capture_on_commit_callbacks
):
    photo = with_profile(owner.user)
    client = owner.sign_in(confirm=True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/panel/data/export/")
    export = DataExport.objects.get(user=owner.user)
    download = client.get(f"/panel/data/export/{export.pk}/download/")

    archive = zipfile.ZipFile(io.BytesIO(download.getvalue()))
    exported = json.loads(archive.read("profile.json"))
    assert exported["display_name"] == "Olivia Marsh"
    assert exported["avatar_uploaded_as"] == "me.jpg"
    assert exported["avatar_sha256"] == photo.original.sha256
    assert exported["avatar"] == "profile/avatar.jpeg"
    with private_storage().open(photo.original.name, "rb") as file:
        assert archive.read(exported["avatar"]) == file.read()


def test_p20_without_a_profile_the_export_says_so(owner):
    exported = category("profile").export(owner.user)

    assert exported == {"display_name": ""} | NO_AVATAR
    assert list(category("profile").files(owner.user)) == []


def test_p08_erasing_the_profile_removes_the_name_the_avatar_and_its_files(
    owner, other_owner, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = with_profile(owner.user)
        with_profile(other_owner.user, "Oscar")
    name = photo.original.name
    announced_before = len(announced())

    with django_capture_on_commit_callbacks(execute=True):
        category("profile").erase(owner.user)

    owner.user.refresh_from_db()
    assert owner.user.display_name == ""
    assert not Profile.objects.filter(pk=owner.user.pk).exists()
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not Original.objects.filter(pk=photo.original_id).exists()
    assert not private_storage().exists(name)
    assert announced()[announced_before:] == [owner.user.pk]
    # Someone else's profile is untouched.
    assert Profile.objects.get(pk=other_owner.user.pk).avatar_id is not None
    other_owner.user.refresh_from_db()
    assert other_owner.user.display_name == "Oscar"


def accounts_past_quarantine(prefix: str, count: int) -> list[User]:
    users = [make_user(f"{prefix}{number}") for number in range(count)]
    for user in users:
        services.set_display_name(user=user, display_name=f"Person {user.pk}")
        Profile.objects.create(user=user)  # a row with every field blank (P28)
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        scheduled_deletion_at=timezone.now() - dt.timedelta(days=1)
    )
    return users


def test_p08_erasing_many_profiles_takes_as_many_queries_as_erasing_two():
    def queries(users: list[User]) -> int:
        with CaptureQueriesContext(connection) as captured:
            category("profile").erase_all(users)
        return len(captured)

    few = queries(accounts_past_quarantine("few", 2))
    many = queries(accounts_past_quarantine("many", 20))

    assert many == few
    assert not Profile.objects.exists()
    assert not User.objects.exclude(display_name="").exists()


def test_p08_an_account_erased_after_quarantine_leaves_no_avatar(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = with_profile(owner.user)
    User.objects.filter(pk=owner.user.pk).update(
        scheduled_deletion_at=timezone.now() - dt.timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        erase_accounts(users=[User.objects.get(pk=owner.user.pk)])

    assert not User.objects.filter(pk=owner.user.pk).exists()
    assert not Profile.objects.exists()
    assert not Photo.objects.exists()
    assert not private_storage().exists(photo.original.name)
