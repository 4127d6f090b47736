"""P08, P09: after the quarantine and the sweeps, nothing of a deleted person remains anywhere.

Unique markers go into every field a person can fill (and into the bytes of a photo they
upload); the account is deleted; time moves past every deadline; the sweeps run. Then every
column of every table, every cache entry and every stored file is searched for the markers.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import pickle
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from PIL import Image

from conftest import PASSWORD, make_user
from mosaic.billing.models import Invoice
from mosaic.comments.services import set_mode as set_comment_mode
from mosaic.discovery.models import SearchEntry
from mosaic.discovery.services import set_choices as set_directory_choices
from mosaic.domains.services import set_domain
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection, SeenMedia
from mosaic.photos.services import add_photo, process_pending
from mosaic.posts.models import Post
from mosaic.posts.samples import clip
from mosaic.posts.services import NewComment, NewItem, add_video, save_post
from mosaic.privacy.models import DataExport
from mosaic.stats.services import flush as flush_statistics
from mosaic.websites.models import Site
from mosaic.websites.publishing import published_root
from mosaic.websites.services import create_site, publish
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)
MARK = "zqxmark"  # every marker starts with this, so one search finds them all


def marker(field: str) -> str:
    return f"{MARK}{field}"


def photo_with_marker(colour: str = "teal") -> io.BytesIO:
    """A JPEG whose comment and EXIF carry a marker: only the private original keeps them."""
    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    exif[0x010E] = marker("exifdescription")  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=marker("jpegcomment").encode())
    buffer.seek(0)
    return buffer


def video_with_marker() -> io.BytesIO:
    """A real clip with a marker in its title: the served copy is cleaned of it (C3), and the
    video must go with the post all the same."""
    return io.BytesIO(clip(metadata=(("title", marker("video")),)))


ADDRESS = "203.0.113.9"
#: Whole values a person gave, as code may hash or encode them (allauth's rate-limit keys hold
#: the SHA-256 of "<domain>:<login>"; the database cache base64-encodes what it pickles).
WHOLE = [
    f"{MARK}username",
    f"{MARK}email@example.com",
    f"{MARK}displayname",
    f"{MARK}igusername",
    f"{MARK}token",
    ADDRESS,
]


def base64_forms(value: bytes) -> list[str]:
    """The base64 text ``value`` becomes at each of the three alignments inside a larger blob
    (the groups it shares with its neighbours cut off)."""
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + value).decode()
        forms.append(encoded[4 if shift else 0 : -4])
    return forms


def derived_markers() -> list[str]:
    """sha256 hex and base64 forms of every whole value (and allauth's key forms of logins)."""
    found: list[str] = []
    for value in WHOLE:
        texts = {value, value.lower(), *(f"{domain}:{value.lower()}" for domain in DOMAINS)}
        for text in texts:
            found.append(hashlib.sha256(text.encode()).hexdigest())
        found += base64_forms(value.encode())
        found.append(base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")[:-2])
    return found


DOMAINS = ("example.com", "testserver")


def rows_with(needles: list[str]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = connection.ops.quote_name
            for column in columns:
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted(table)} "  # noqa: S608 (introspection)
                        f"WHERE CAST({quoted(column)} AS TEXT) LIKE %s",
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column}: {needle}")
    return found


def cache_entries_with(needles: list[str]) -> list[str]:
    """Keys and decoded values of the database cache holding any of ``needles``."""
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        return []
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    found = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 (a setting)
        for key, value in cursor.fetchall():
            text = key + value + repr(pickle.loads(base64.b64decode(value)))  # noqa: S301
            found += [f"{key}: {needle}" for needle in needles if needle in text]
    return found


def files_with(needles: list[str]) -> list[str]:
    roots = [
        Path(settings.MEDIA_ROOT),
        Path(settings.MEDIA_ROOT).parent / "private",
        published_root(),
    ]
    return [
        f"{path}: {needle}"
        for root in roots
        if root.exists()
        for path in root.rglob("*")
        if path.is_file()
        for needle in needles
        if needle.encode() in path.read_bytes() or needle in path.name
    ]


def rows_with_markers() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = connection.ops.quote_name
            for column in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted(table)} "  # noqa: S608 (names from introspection)
                    f"WHERE CAST({quoted(column)} AS TEXT) LIKE %s",
                    [f"%{MARK}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


def cache_entries_with_markers() -> list[str]:
    """The database cache pickles and base64-encodes its values: decode each one to search it."""
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        return []  # on Redis the suite checks the keys it can enumerate below
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    found = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 (a setting)
        for key, value in cursor.fetchall():
            decoded = pickle.loads(base64.b64decode(value))  # noqa: S301 (our own cache)
            if MARK in repr(decoded) or MARK in key:
                found.append(key)
    return found


def files_with_markers() -> list[str]:
    roots = [
        Path(settings.MEDIA_ROOT),
        Path(settings.MEDIA_ROOT).parent / "private",
        published_root(),
    ]
    return [
        str(path)
        for root in roots
        if root.exists()
        for path in root.rglob("*")
        if path.is_file() and (MARK.encode() in path.read_bytes() or MARK in path.name)
    ]


def test_p08_no_trace_of_a_deleted_account_remains_after_quarantine_and_sweeps(
    django_capture_on_commit_callbacks, settings, tmp_path, caplog
):
    settings.STATS_SPOOL_DIR = tmp_path / "stats-spool"
    caplog.set_level("INFO")  # what the logs keep is searched at the end too
    client = Client(HTTP_USER_AGENT=f"Mozilla/5.0 {marker('useragent')}", REMOTE_ADDR=ADDRESS)
    with time_machine.travel(START, tick=False):
        client.post(
            "/accounts/signup/",
            {
                "email": f"{marker('email')}@example.com",
                "username": marker("username"),
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.get(email=f"{marker('email')}@example.com")
        address.verified = True
        address.save(update_fields=["verified"])
        user = address.user
        user.display_name = marker("displayname")
        user.save(update_fields=["display_name"])
        client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
        photo = add_photo(
            owner=user, source=photo_with_marker(), filename=f"{marker('filename')}.jpg"
        )
        process_pending()
        video = add_video(owner=user, source=video_with_marker(), filename="clip.mp4")
        save_post(
            owner=user,
            source=Post.Source.INSTAGRAM,
            external_id=marker("mediaid"),
            caption=f"{marker('caption')} #{marker('hashtag')}",
            taken_at=START,
            permalink=f"https://www.instagram.com/p/{marker('permalink')}/",
            items=[NewItem(photo=photo), NewItem(photo=photo, video=video)],
            comments=[
                NewComment(
                    external_id=marker("commentid"),
                    author=marker("commenter"),
                    text=marker("comment"),
                    commented_at=START,
                )
            ],
        )
        site = Site.objects.create(
            owner=user, slug="zqxmarksite", title=marker("sitetitle"), bio=marker("sitebio")
        )
        link = site.links.create(
            label=marker("linklabel"), url=f"https://example.com/{marker('url')}"
        )
        publish(site=site)  # the published pages carry the markers too
        assert any(MARK in p.read_text() for p in published_root().rglob("*.html"))
        # Listed in the directory: its search entry and the engine's index hold the words.
        set_directory_choices(site=site, listed=True, sensitive=False, recommend=True)
        assert SearchEntry.objects.filter(site=site).exists()

        # Statistics: a view from a referring host with a marker, and a click (P12).
        visit = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari/604.1")
        visit.get(
            f"/_m/v/{site.pk}.gif",
            {"p": "/zqxmarksite/", "r": f"{marker('referrer')}.example.org"},
        )
        visit.get(f"/_m/c/{site.pk}/{link.key}/")
        flush_statistics()
        InstagramConnection.objects.create(
            user=user,
            instagram_user_id=marker("igid"),
            username=marker("igusername"),
            access_token=marker("token"),
            token_issued_at=START,
            token_expires_at=START + dt.timedelta(days=60),
        )
        # P22, P28: a profile avatar (its own photo), uploaded through the profile page.
        avatar = SimpleUploadedFile(f"{marker('avatarname')}.jpg", photo_with_marker("plum").read())
        assert client.post("/panel/profile/avatar/", {"avatar": avatar}).status_code == 302
        client.post("/panel/email/", {"promotional": "on"})  # P23: a consent record
        client.post("/newsletter/", {"email": f"{marker('email')}@example.com"})  # P17

        client.post(
            "/panel/data/correction/",
            {"what": marker("correctionwhat"), "correction": marker("correctionfix")},
        )

        import_run = ImportRun.objects.create(
            user=user,
            kind=ImportRun.Kind.FULL,
            cursor=marker("cursor"),
            warnings=[f"{marker('importwarning')}.jpg is listed but not in the archive"],
            error=marker("importerror"),
        )
        SeenMedia.objects.create(run=import_run, external_id=marker("seenmedia"))
        # P09, P17: billing details given to upgrade, an invoice, a custom domain.
        checkout = client.post(
            "/billing/upgrade/",
            {"country": "DE", "name": marker("buyername"), "address": marker("buyeraddress")},
        )["Location"]
        client.post(checkout, {"action": "pay"})
        assert Invoice.objects.get(user=user).buyer["name"] == marker("buyername")
        set_domain(site=site, raw=f"{MARK}domain.example")
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        client.post("/panel/data/export/")
        assert DataExport.objects.get(user=user).status == DataExport.Status.READY
        # C10, P22: a comment on another member's published site, through the real form: it
        # is in that site's rebuilt page, with the marked display name.
        harbour_owner = make_user("harbourowner")
        harbour_post = make_post(harbour_owner, "Harbour")
        harbour = create_site(owner=harbour_owner, slug="harbour", title="Harbour")
        publish(site=harbour)
        set_comment_mode(site=harbour, mode="at-once")
        form = f"/comments/{harbour.pk}/{harbour_post.pk}/new/"
        client.post(form, {"confirm_notice": "1"})
        client.post(form, {"text": marker("membercomment")})
        page = published_root() / "harbour"
        assert any(marker("membercomment") in p.read_text() for p in page.rglob("*.html"))
        found = rows_with_markers()
        assert found, "the markers must be findable before deletion"
        assert {"stats_event.referrer_host", "stats_dailycount.key"} <= set(found)
        assert files_with_markers(), "the original keeps its metadata privately (P05)"

        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        client.post("/panel/data/delete-account/", {"username": user.username})

    with time_machine.travel(START + dt.timedelta(days=181), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())

    # P09: the invoice stays for its country's years (8 for Germany), detached from the
    # person: only the buyer block printed on it keeps the markers.
    assert rows_with_markers() == ["billing_invoice.buyer"]
    assert Invoice.objects.get().user_id is None
    with time_machine.travel(START + dt.timedelta(days=181 + 5 * 366), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert rows_with_markers() == ["billing_invoice.buyer"]
    with time_machine.travel(START + dt.timedelta(days=181 + 8 * 366), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())

    assert rows_with_markers() == []
    assert cache_entries_with_markers() == []
    assert files_with_markers() == []
    # P03, P08: nor hashed or encoded: allauth's SHA-256 of a login, a base64-pickled session
    derived = derived_markers()
    assert rows_with(derived) == []
    assert cache_entries_with([*derived, ADDRESS]) == []
    assert files_with(derived) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert [needle for needle in [MARK, *derived] if needle in logged] == []
