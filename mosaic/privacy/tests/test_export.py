from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from PIL import Image

from mosaic.photos.services import add_photo
from mosaic.photos.storage import private_storage
from mosaic.privacy.models import DataExport
from mosaic.privacy.registry import categories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)


def jpeg(colour: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def export_for(persona, capture) -> tuple[Client, DataExport]:
    client = persona.sign_in(confirm=True)
    with capture(execute=True):
        response = client.post("/panel/data/export/")
    export = DataExport.objects.get(user=persona.user)
    assert response["Location"] == f"/panel/data/export/{export.pk}/"
    export.refresh_from_db()
    return client, export


def test_p20_an_export_needs_the_password_confirmed(owner):
    client = Client()
    client.post("/accounts/login/", {"login": "olivia", "password": owner.password})

    response = client.post("/panel/data/export/")

    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not DataExport.objects.exists()


def test_p20_the_export_holds_every_category_the_originals_and_a_readable_index(
    owner, django_capture_on_commit_callbacks
):
    owner.user.display_name = "Olivia <Ortiz>"
    owner.user.save(update_fields=["display_name"])
    with django_capture_on_commit_callbacks(execute=True):
        add_photo(owner=owner.user, source=jpeg("red"), filename="sunset.jpg")

    client, export = export_for(owner, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY
    page = client.get(f"/panel/data/export/{export.pk}/")
    assert "Download" in page.text
    download = client.get(f"/panel/data/export/{export.pk}/download/")

    assert download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(download.getvalue()))
    names = set(archive.namelist())
    assert {f"{category.key}.json" for category in categories()} <= names
    assert "index.html" in names
    [original] = [name for name in names if name.startswith("photos/")]
    assert original.endswith("-sunset.jpeg")
    assert Image.open(archive.open(original)).size == (40, 30)
    assert json.loads(archive.read("profile.json")) == {
        "display_name": "Olivia <Ortiz>",
        "avatar": None,
        "avatar_uploaded_as": None,
        "avatar_added": None,
        "avatar_sha256": None,
    }
    index = archive.read("index.html").decode()
    assert "Olivia &lt;Ortiz&gt;" in index  # escaped: the export cannot carry script
    assert "<script" not in index


def test_p20_another_user_cannot_see_or_download_someone_elses_export(
    owner, other_owner, django_capture_on_commit_callbacks
):
    _, export = export_for(owner, django_capture_on_commit_callbacks)

    assert other_owner.client.get(f"/panel/data/export/{export.pk}/").status_code == 404
    assert other_owner.client.get(f"/panel/data/export/{export.pk}/download/").status_code == 404
    assert Client().get(f"/panel/data/export/{export.pk}/download/").status_code == 302


def test_p20_one_export_a_day(owner, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        client, _ = export_for(owner, django_capture_on_commit_callbacks)
    with time_machine.travel(START + dt.timedelta(hours=23), tick=False):
        client.post("/accounts/reauthenticate/", {"password": owner.password})
        refused = client.post("/panel/data/export/", follow=True)
    assert "one export a day" in refused.text
    assert DataExport.objects.count() == 1


def test_p20_the_link_and_the_file_are_gone_after_seven_days(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        client, export = export_for(owner, django_capture_on_commit_callbacks)
    assert private_storage().exists(export.file_name)

    with time_machine.travel(START + dt.timedelta(days=7, minutes=1), tick=False):
        assert client.get(f"/panel/data/export/{export.pk}/download/").status_code == 404
        call_command("privacy_sweep", stdout=io.StringIO())

    assert not DataExport.objects.exists()
    assert not private_storage().exists(export.file_name)


def test_p20_the_exports_index_is_a_browsable_page_of_the_posts_photos_and_captions(
    owner, django_capture_on_commit_callbacks
):
    from mosaic.websites.tests.conftest import make_post

    with django_capture_on_commit_callbacks(execute=True):
        make_post(owner.user, "Harbour <at> dawn #sea", photos=2)
        make_post(owner.user, "A quiet day", permalink="javascript:alert(1)", days=1)

    client, export = export_for(owner, django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/panel/data/export/{export.pk}/download/").getvalue())
    )
    index = archive.read("index.html").decode()
    names = set(archive.namelist())

    images = re.findall(r'<img src="([^"]+)"', index)
    assert len(images) == 3
    assert all(name in names for name in images)  # each picture opens from the archive
    assert "Harbour &lt;at&gt; dawn #sea" in index
    assert index.index("A quiet day") < index.index("Harbour")  # newest first
    assert 'href="https://www.instagram.com/p/abc/"' in index
    assert 'href="javascript:' not in index  # a hostile permalink is never a link
