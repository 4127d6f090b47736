"""Search and sharing settings (issue #20 item 5): the home page's title, description and share
image, the favicon from the avatar, their defaults (title, bio, pinned photo), a draft until
published, in every theme and in the export; P31: a share image or favicon is only ever a
public copy, and a private site has neither."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.utils import timezone

from conftest import make_user
from mosaic.photos.models import Photo
from mosaic.posts.models import Post
from mosaic.websites import services
from mosaic.websites.content import has_unpublished_changes
from mosaic.websites.models import Site
from mosaic.websites.privacy import SiteData
from mosaic.websites.tests.conftest import body, make_photo, make_post
from mosaic.websites.tests.test_browser_sites import sign_in
from tests.browser import SCREENS, WCAG_AA, unfold


def head(page: str) -> str:
    return page.split("</head>", 1)[0]


def meta(page: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def photo_of(post) -> Photo:
    photo = post.items.get().photo
    assert photo is not None
    return photo


def public_address(photo: Photo) -> str:
    """The public copy of the photo's largest JPEG (what a share card shows)."""
    photo = Photo.objects.with_variants().get(pk=photo.pk)
    jpeg = [v for v in photo.variants if v.format == "jpeg"][-1]
    assert jpeg.public_name, "no public copy"
    return jpeg.url


@pytest.fixture
def site(owner, commit) -> Site:
    make_post(owner.user, "An older swim", days=0)
    make_post(owner.user, "Morning swim #sea", days=1)
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        site.bio = "Cold water, every day"
        site.save(update_fields=["bio"])
        services.publish(site=site)
    return Site.objects.get(pk=site.pk)


def post_settings(owner, site, **values):
    data = {"title": "", "description": "", "image": ""} | values
    return owner.client.post(f"/panel/sites/{site.pk}/search/", data)


# --- validation ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"title": "x" * 71}, "Please shorten the title to 70 characters (it has 71)."),
        (
            {"description": "y" * 201},
            "Please shorten the description to 200 characters (it has 201).",
        ),
        ({"title": "Olivia\x07swims"}, "Please remove the control character (U+0007)"),
        ({"title": "Olivia\nswims"}, "Please remove the control character (U+000A)"),
        ({"description": "Cold\x00water"}, "Null characters are not allowed."),
        ({"description": "Cold \u202ewater"}, "Please remove the control character (U+202E)"),
        ({"image": "abc"}, "That photo is not one of yours"),
        ({"image": "999999"}, "That photo is not one of yours"),
        ({"image": "-1"}, "That photo is not one of yours"),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(owner, site, values, error):
    assert post_settings(owner, site, title="Kept").status_code == 302
    response = post_settings(owner, site, **values)
    assert response.status_code == 400
    assert error in html.unescape(response.content.decode())
    assert Site.objects.get(pk=site.pk).search == {"title": "Kept"}


@pytest.mark.django_db
def test_another_owners_photo_or_one_not_ready_is_refused(owner, other_owner, site):
    theirs = photo_of(make_post(other_owner.user, "Not Olivia's"))
    waiting = make_photo(owner.user)  # never processed: not ready
    assert not waiting.is_ready
    for photo in (theirs, waiting):
        response = post_settings(owner, site, image=str(photo.pk))
        assert response.status_code == 400
        assert "That photo is not one of yours, or it is not ready yet" in response.content.decode()
    assert Site.objects.get(pk=site.pk).search == {}
    assert other_owner.client.post(f"/panel/sites/{site.pk}/search/", {}).status_code == 404


@pytest.mark.django_db
def test_a_description_may_have_line_breaks_shown_as_spaces(owner, site, commit):
    assert post_settings(owner, site, description="Cold water,\r\nevery day").status_code == 302
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = body(owner.client.get("/olivia/"))
    assert meta(page, "description") == "Cold water, every day"


# --- rendering, defaults, draft ---------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("theme", [Site.Theme.GRID, Site.Theme.FEED, Site.Theme.MAGAZINE])
def test_the_settings_are_a_draft_until_published_then_in_the_head(
    owner, visitor, site, commit, theme
):
    Site.objects.filter(pk=site.pk).update(theme=theme)
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    older = photo_of(owner.user.posts.get(caption="An older swim"))
    response = post_settings(
        owner,
        site,
        title="Olivia — cold-water swimmer",
        description="Photos from the lake, all year",
        image=str(older.pk),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?open=search#search")
    site = Site.objects.get(pk=site.pk)
    assert has_unpublished_changes(site)
    before = head(body(visitor.get("/olivia/")))
    assert "<title>Olivia</title>" in before
    assert meta(before, "description") == "Cold water, every day"

    with commit():
        services.publish(site=site)
    page = head(body(visitor.get("/olivia/")))
    assert "<title>Olivia — cold-water swimmer</title>" in page
    assert meta(page, "og:title") == "Olivia — cold-water swimmer"
    assert meta(page, "twitter:title") == "Olivia — cold-water swimmer"
    assert meta(page, "og:site_name") == "Olivia"
    for key in ("description", "og:description", "twitter:description"):
        assert meta(page, key) == "Photos from the lake, all year"
    image = django_settings.SITE_URL + public_address(older)
    assert meta(page, "og:image") == image
    assert meta(page, "twitter:card") == "summary_large_image"
    assert '"name": "Olivia — cold-water swimmer"' in page  # JSON-LD
    assert not has_unpublished_changes(Site.objects.get(pk=site.pk))
    post = owner.user.posts.get(caption="Morning swim #sea")
    post_page = head(body(visitor.get(f"/olivia/p/{post.pk}/")))
    assert meta(post_page, "og:title") == "Morning swim #sea", "a photo page keeps its caption"


@pytest.mark.django_db
def test_defaults_are_the_title_the_bio_and_the_pinned_photo(owner, visitor, site, commit):
    page = head(body(visitor.get("/olivia/")))
    assert "<title>Olivia</title>" in page
    assert meta(page, "og:description") == "Cold water, every day"
    newest = owner.user.posts.get(caption="Morning swim #sea")
    assert meta(page, "og:image") == django_settings.SITE_URL + public_address(photo_of(newest)), (
        "no pin: the first post's first photo"
    )
    older = owner.user.posts.get(caption="An older swim")
    owner.client.post(f"/panel/sites/{site.pk}/posts/{older.pk}/pin/")
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = head(body(visitor.get("/olivia/")))
    assert meta(page, "og:image") == django_settings.SITE_URL + public_address(photo_of(older)), (
        "the first pinned post's first photo"
    )


@pytest.mark.django_db
def test_a_snapshot_without_settings_has_no_key_so_older_ones_stay_published(site):
    assert "search" not in site.published
    assert not has_unpublished_changes(site)


@pytest.mark.django_db
def test_p31_a_share_image_from_a_hidden_post_gets_a_public_copy_only_while_chosen(
    owner, visitor, site, commit
):
    """P31: the chosen share image is public like the avatar, and only while chosen."""
    hidden = make_post(owner.user, "Not on the site", days=-5)
    photo = photo_of(hidden)
    owner.client.post(f"/panel/sites/{site.pk}/posts/{hidden.pk}/hide/")
    post_settings(owner, site, image=str(photo.pk))
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert Photo.objects.get(pk=photo.pk).exposed
    page = head(body(visitor.get("/olivia/")))
    assert meta(page, "og:image") == django_settings.SITE_URL + public_address(photo)
    post_settings(owner, site)
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert not Photo.objects.get(pk=photo.pk).exposed


@pytest.mark.django_db
def test_p31_the_favicon_is_the_avatars_small_public_copy_on_a_public_site_only(
    owner, visitor, site, commit
):
    page = head(body(visitor.get("/olivia/")))
    assert '<link rel="icon" href="data:,">' in page, "no avatar: no icon, no request"
    avatar = photo_of(make_post(owner.user, "Me", days=-9))
    services.choose_avatar(site=site, photo=avatar)
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = head(body(visitor.get("/olivia/")))
    icon = re.search(
        r'<link rel="icon" type="image/webp" sizes="(\d+)x(\d+)" href="([^"]+)">', page
    )
    assert icon is not None, page
    smallest = min(
        (v for v in Photo.objects.with_variants().get(pk=avatar.pk).variants if v.format == "webp"),
        key=lambda v: v.width,
    )
    assert icon.groups() == (str(smallest.width), str(smallest.height), smallest.url)
    assert "/_media/" not in icon.group(3)
    assert smallest.url in body(visitor.get("/olivia/")), "the header's avatar loads that file"

    for visibility in (Site.Visibility.UNLISTED, Site.Visibility.PRIVATE):
        with commit():
            services.update_settings(
                site=Site.objects.get(pk=site.pk),
                slug="olivia",
                visibility=visibility,
                hide_from_search=False,
                language="en",
            )
            services.publish(site=Site.objects.get(pk=site.pk))
        page = head(body(owner.client.get("/olivia/")))
        assert '<link rel="icon" href="data:,">' in page, visibility
        assert meta(page, "og:image") is None, visibility


@pytest.mark.django_db
def test_p31_a_private_site_has_no_share_image_even_when_chosen(owner, site, commit):
    photo = photo_of(owner.user.posts.first())
    post_settings(owner, site, title="Olivia in private", image=str(photo.pk))
    Site.objects.filter(pk=site.pk).update(visibility=Site.Visibility.PRIVATE)
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = head(body(owner.client.get("/olivia/")))
    assert "<title>Olivia in private</title>" in page
    assert meta(page, "og:image") is None
    assert "/media/photos/" not in page


# --- share page, export ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_share_page_shows_the_settings_as_a_chat_app_would(owner, site, commit):
    older = photo_of(owner.user.posts.get(caption="An older swim"))
    post_settings(
        owner, site, title="Swims with Olivia", description="A lake a day", image=str(older.pk)
    )
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = owner.client.get(f"/panel/sites/{site.pk}/share/").content.decode()
    assert "Swims with Olivia" in page
    assert "A lake a day" in page
    assert f'<img src="{public_address(older)}"' in page


@pytest.mark.django_db
def test_the_export_carries_the_settings(owner, site, commit):
    post_settings(owner, site, title="Swims with Olivia", description="A lake a day")
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    response = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    index = next(
        name for name in archive.namelist() if name.endswith("/index.html") and name.count("/") == 1
    )
    page = head(archive.read(index).decode())
    assert "<title>Swims with Olivia</title>" in page
    assert meta(page, "og:description") == "A lake a day"
    assert "/media/photos/" not in page, "the copy on disk points at nothing online"
    exported = SiteData().export(owner.user)
    assert exported[0]["search_and_sharing"] == {
        "title": "Swims with Olivia",
        "description": "A lake a day",
    }


# --- in a browser ---------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_owner_sets_them_on_a_phone_and_sees_them_in_the_published_head(page, settings):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    user = make_user("olivia")
    make_post(user, "An older swim", days=0)
    make_post(user, "Morning swim #sea", days=1)
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    services.choose_avatar(site=site, photo=photo_of(make_post(user, "Me", days=-3)))
    services.publish(site=site)
    older = photo_of(user.posts.get(caption="An older swim"))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    page.goto(f"/panel/sites/{site.pk}/")
    section = unfold(page, "search")
    section.get_by_label("Title in search results and shared links").fill("Swims with Olivia")
    section.get_by_label("Description for search and shared links").fill("A lake a day")
    section.get_by_text("Choose one of your photos").click()
    section.get_by_role("radio", name="An older swim").check()
    section.get_by_role("button", name="Save search and sharing").click()
    page.wait_for_url(f"**/panel/sites/{site.pk}/?open=search#search")
    page.wait_for_load_state("networkidle")
    assert section.get_by_role("radio", name="An older swim").is_checked()
    thumbs = section.locator(".share-photo img")
    assert thumbs.count() == 3
    assert all(
        "/preview/_media/" in (thumbs.nth(i).get_attribute("src") or "")
        for i in range(thumbs.count())
    ), "thumbnails through the owner-checked route"
    assert thumbs.first.evaluate("img => img.naturalWidth") > 0
    for size in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        section.scroll_into_view_if_needed()
        violations = Axe().run(page, options=WCAG_AA)
        assert violations.violations_count == 0, violations.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        SCREENS.mkdir(parents=True, exist_ok=True)
        section.screenshot(path=SCREENS / f"search-settings-{size[0]}.png")
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("networkidle")
    page.goto("/olivia/")
    assert page.title() == "Swims with Olivia"
    og = page.locator('meta[property="og:image"]').get_attribute("content") or ""
    assert og.endswith(public_address(older))
    assert page.locator('meta[name="description"]').get_attribute("content") == "A lake a day"
    icon = page.locator('link[rel="icon"]').get_attribute("href") or ""
    assert icon.startswith("/media/photos/")
    avatar = page.locator(".avatar-link source").get_attribute("srcset") or ""
    assert icon in avatar, "the icon is the file the header's avatar loads: no extra bytes"


@pytest.mark.django_db
def test_p31_a_photo_hidden_by_moderation_is_never_a_share_image(owner, visitor, site, commit):
    """P31: a post hidden by moderation loses its public copies, share image or not."""
    post = owner.user.posts.get(caption="An older swim")
    photo = photo_of(post)
    post_settings(owner, site, image=str(photo.pk))
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert Photo.objects.get(pk=photo.pk).exposed
    Post.objects.filter(pk=post.pk).update(hidden_by_moderation_at=timezone.now())
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    assert not Photo.objects.get(pk=photo.pk).exposed
    page = head(body(visitor.get("/olivia/")))
    assert meta(page, "og:image") == django_settings.SITE_URL + public_address(
        photo_of(owner.user.posts.get(caption="Morning swim #sea"))
    ), "back to the default"
    response = post_settings(owner, site, image=str(photo.pk))
    assert response.status_code == 400
