"""The profile page at /panel/profile/: display name and avatar, both optional (P28), and
where they are shown (P22)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mosaic.photos.models import Photo
from mosaic.photos.tests.images import make_image
from mosaic.profiles.identity import public_identity
from mosaic.profiles.models import Profile

pytestmark = pytest.mark.django_db


def test_it_asks_to_sign_in_first():
    response = Client().get("/panel/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_p22_p28_the_page_says_where_the_name_and_avatar_show_and_that_both_are_optional(owner):
    page = owner.sign_in().get("/panel/profile/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "shown with the comments you write" in text
    assert "Both are optional" in text
    assert ">O</span>" in text  # no avatar: the initial of the username
    assert "olivia" in text


def test_the_panel_links_to_the_profile_page(owner):
    assert 'href="/panel/profile/"' in owner.sign_in().get("/panel/").content.decode()


def test_p28_the_owner_sets_and_clears_the_display_name(owner, announced):
    client = owner.sign_in()

    response = client.post("/panel/profile/name/", {"display_name": "  Ольга Петрова "})
    assert response["Location"] == "/panel/profile/"
    owner.user.refresh_from_db()
    assert owner.user.display_name == "Ольга Петрова"
    assert "ОП" in client.get("/panel/profile/").content.decode()

    client.post("/panel/profile/name/", {"display_name": ""})
    owner.user.refresh_from_db()
    assert owner.user.display_name == ""


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Olivia\r\nMarsh", "line breaks"),
        ("\u202eevil", "invisible control characters"),
        ("x" * 81, "at most 80 characters (it has 81)"),
    ],
)
def test_a_bad_display_name_is_explained_and_nothing_changes(owner, typed, error):
    owner.user.display_name = "Olivia"
    owner.user.save(update_fields=["display_name"])

    response = owner.sign_in().post("/panel/profile/name/", {"display_name": typed})

    assert response.status_code == 400
    assert error in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.display_name == "Olivia"


def test_your_details_refuses_control_characters_in_the_display_name_too(owner):
    response = owner.sign_in().post(
        "/panel/data/profile/", {"username": "olivia", "display_name": "a\x07b"}
    )

    assert response.status_code == 200
    assert "control characters" in response.content.decode()


def test_p22_the_owner_uploads_then_removes_an_avatar(owner, django_capture_on_commit_callbacks):
    client = owner.sign_in()
    photo = SimpleUploadedFile("me.png", make_image("PNG"), content_type="image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/panel/profile/avatar/", {"avatar": photo})
    assert response["Location"] == "/panel/profile/"
    page = client.get("/panel/profile/").content.decode()
    assert public_identity(owner.user).avatar_src in page
    assert "Replace the avatar" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/panel/profile/avatar/remove/")
    assert public_identity(owner.user).avatar_src is None
    assert not Photo.objects.exists()
    assert "Remove the avatar" not in client.get("/panel/profile/").content.decode()


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("doc.pdf", b"%PDF-1.4 a document", "PDF files are not accepted"),
        ("anim.gif", b"GIF89a" + b"\x00" * 40, "GIF files are not accepted"),
        ("notes.txt", b"just words", "this file is not an image"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_clearly(owner, name, data, error):
    response = owner.sign_in().post(
        "/panel/profile/avatar/", {"avatar": SimpleUploadedFile(name, data)}
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Profile.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "anim.gif",
            b"GIF89a" + b"\x00" * 40,
            "файлы GIF не принимаются: пришлите фото в формате JPEG, PNG, WebP или HEIC",
        ),
        ("notes.txt", b"just words", "этот файл — не изображение"),
        ("cut.jpg", make_image("JPEG", (400, 300))[:3000], "файл обрезан или повреждён"),
    ],
)
def test_a_russian_owner_is_told_in_russian_why_a_file_was_refused(owner, name, data, reason):
    client = owner.sign_in()
    client.cookies["django_language"] = "ru"
    response = client.post("/panel/profile/avatar/", {"avatar": SimpleUploadedFile(name, data)})

    assert response.status_code == 400
    assert f"Этот файл не может быть аватаром: {reason}" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_russian_owner_reads_the_size_limit_in_russian(owner, settings):
    settings.PHOTOS_MAX_BYTES = 10_000
    client = owner.sign_in()
    client.cookies["django_language"] = "ru"
    data = make_image("JPEG", (1200, 1200), quality=95)
    response = client.post("/panel/profile/avatar/", {"avatar": SimpleUploadedFile("b.jpg", data)})

    assert response.status_code == 400
    assert "файл больше 10 кБ" in response.content.decode()


def test_a_post_without_a_file_asks_for_one(owner):
    response = owner.sign_in().post("/panel/profile/avatar/", {})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_huge_upload_is_refused_with_the_limit(owner, settings):
    settings.PHOTOS_MAX_BYTES = 10_000
    data = make_image("JPEG", (1200, 1200), quality=95)

    response = owner.sign_in().post(
        "/panel/profile/avatar/", {"avatar": SimpleUploadedFile("big.jpg", data)}
    )

    assert response.status_code == 400
    assert "larger than 10 kB" in response.content.decode()
    assert not Photo.objects.exists()
