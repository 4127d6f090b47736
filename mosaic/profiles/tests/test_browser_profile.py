"""What a person clicks through on the profile page (P22, P28): a display name, an avatar
uploaded, seen, removed, the initials back."""

from __future__ import annotations

import pytest

from conftest import sign_in_browser
from mosaic.photos.tests.images import exif_with_secrets, make_image
from tests.browser import own_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_p22_p28_an_owner_names_themselves_adds_an_avatar_and_removes_it(page, owner, tmp_path):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(make_image("JPEG", (800, 600), exif=exif_with_secrets()))
    sign_in_browser(page, owner)

    page.goto("/panel/")
    page.get_by_role("link", name="Profile: display name and avatar").click()
    page.get_by_role("heading", name="Your profile", level=1).wait_for()
    initials = page.get_by_role("img", name="Your initials: O")
    assert initials.inner_text() == "O"

    page.get_by_role("textbox", name="Display name").fill("  Ольга Петрова ")
    page.get_by_role("button", name="Save the name").click()
    page.get_by_text("Your display name is saved.").wait_for()
    assert page.get_by_role("img", name="Your initials: ОП").inner_text() == "ОП"
    assert page.locator(".profile-name").inner_text() == "Ольга Петрова"

    page.get_by_label("Choose a photo").set_input_files(str(photo))
    page.get_by_role("button", name="Upload the avatar").click()
    page.get_by_text("Your avatar is saved.").wait_for()
    avatar = page.get_by_role("img", name="Your avatar")
    assert avatar.get_attribute("src").startswith("data:image/webp;base64,")
    assert avatar.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [
        True,
        96,
        96,
    ]

    page.get_by_role("button", name="Remove the avatar").click()
    page.get_by_text("Your avatar is removed: your initials show instead.").wait_for()
    assert page.get_by_role("img", name="Your avatar").count() == 0
    assert page.get_by_role("img", name="Your initials: ОП").is_visible()
    assert page.get_by_role("button", name="Upload the avatar").is_visible()


def test_a_file_that_is_not_a_photo_is_explained_beside_the_field(
    browser, live_server, owner, tmp_path
):
    document = tmp_path / "cv.pdf"
    document.write_bytes(b"%PDF-1.7 my CV")
    with own_tab(browser, live_server) as page:
        sign_in_browser(page, owner)

        page.goto("/panel/profile/")
        page.get_by_label("Choose a photo").set_input_files(str(document))
        page.get_by_role("button", name="Upload the avatar").click()

        page.get_by_text("This file cannot be your avatar: PDF files are not accepted").wait_for()
        assert page.get_by_role("img", name="Your initials: O").is_visible()
