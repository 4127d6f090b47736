"""Social icons (issue #20 item 2): what an owner pastes becomes one safe address on the
network's own host; the icons are inlined (no request to anyone else), named for screen
readers, a draft until published, in every theme and in the export."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.exceptions import ValidationError

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.socials import NETWORKS, clean
from mosaic.websites.tests.conftest import body, make_post
from tests.browser import SCREENS, WCAG_AA


@pytest.mark.parametrize(
    ("network", "typed", "kept"),
    [
        ("instagram", "@olivia.swims", "https://www.instagram.com/olivia.swims/"),
        ("instagram", "instagram.com/olivia", "https://instagram.com/olivia"),
        ("instagram", "https://www.instagram.com/olivia/", "https://www.instagram.com/olivia/"),
        ("tiktok", "@olivia", "https://www.tiktok.com/@olivia"),
        ("youtube", "https://youtu.be/abc", "https://youtu.be/abc"),
        ("youtube", "@olivia", "https://www.youtube.com/@olivia"),
        ("x", "@olivia", "https://x.com/olivia"),
        ("x", "https://twitter.com/olivia", "https://twitter.com/olivia"),
        ("facebook", "https://m.facebook.com/olivia", "https://m.facebook.com/olivia"),
        ("linkedin", "olivia", "https://www.linkedin.com/in/olivia/"),
        ("pinterest", "olivia", "https://www.pinterest.com/olivia/"),
        ("telegram", "@olivia", "https://t.me/olivia"),
        ("whatsapp", "+44 7700 900123", "https://wa.me/447700900123"),
        ("whatsapp", "https://wa.me/447700900123", "https://wa.me/447700900123"),
        ("email", "olivia@example.com", "mailto:olivia@example.com"),
        ("email", "mailto:olivia@example.com", "mailto:olivia@example.com"),
        ("website", "olivia.example", "https://olivia.example"),
    ],
)
def test_what_an_owner_types_becomes_one_safe_address(network, typed, kept):
    assert clean(network, typed) == kept


@pytest.mark.parametrize(
    ("network", "typed"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "data:text/html,<script>alert(1)</script>"),
        ("website", "tel:+15551234567"),
        ("instagram", "https://evil.example/instagram.com"),
        ("instagram", "https://instagram.com.evil.example/olivia"),
        ("instagram", "//evil.example/"),
        ("instagram", "https://www.instagram.com/olivia\u202e"),
        ("tiktok", "@olivia swims"),
        ("x", "https://x.com/o\nlivia"),
        ("email", "not an address"),
        ("email", "mailto:javascript:alert(1)"),
        ("whatsapp", "12345"),
        ("whatsapp", "https://evil.example/447700900123"),
    ],
)
def test_anything_else_is_refused_with_a_reason(network, typed):
    with pytest.raises(ValidationError) as refused:
        clean(network, typed)
    assert refused.value.messages[0].endswith(".")


@pytest.fixture
def site(owner, commit) -> Site:
    make_post(owner.user, "Morning swim #sea")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
    return Site.objects.get(pk=site.pk)


@pytest.mark.django_db
def test_icons_are_a_draft_until_published_then_inline_and_named(owner, visitor, site, commit):
    response = owner.client.post(
        f"/panel/sites/{site.pk}/socials/", {"instagram": "@olivia", "email": "o@example.com"}
    )
    assert response.status_code == 302
    assert 'aria-label="Instagram"' not in body(visitor.get("/olivia/"))
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = body(visitor.get("/olivia/"))
    assert (
        '<a href="https://www.instagram.com/olivia/" rel="me noopener" aria-label="Instagram"'
        in page
    )
    assert 'href="mailto:o@example.com" rel="me noopener" aria-label="Email"' in page
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) == 2
    assert all('aria-hidden="true"' in svg for svg in svgs)
    assert "icon-tabler" not in page
    post_page = body(visitor.get(f"/olivia/p/{owner.user.posts.get().pk}/"))
    assert 'aria-label="Instagram"' not in post_page, "on the home page only, like the links"


@pytest.mark.django_db
def test_a_bad_address_is_explained_and_nothing_is_saved(owner, site):
    owner.client.post(f"/panel/sites/{site.pk}/socials/", {"x": "@olivia"})
    response = owner.client.post(
        f"/panel/sites/{site.pk}/socials/",
        {"x": "@olivia", "instagram": "https://evil.example/olivia"},
    )
    assert response.status_code == 400
    assert "Instagram addresses are on instagram.com" in response.content.decode()
    assert Site.objects.get(pk=site.pk).socials == {"x": "https://x.com/olivia"}


@pytest.mark.django_db
def test_the_export_carries_the_icons(owner, site, commit):
    owner.client.post(f"/panel/sites/{site.pk}/socials/", {"telegram": "@olivia"})
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    response = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    index = next(
        name for name in archive.namelist() if name.endswith("/index.html") and name.count("/") == 1
    )
    assert 'aria-label="Telegram"' in archive.read(index).decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("theme", [Site.Theme.GRID, Site.Theme.FEED, Site.Theme.MAGAZINE])
def test_every_icon_reads_well_in_each_theme_on_a_phone(page, settings, theme):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    user = make_user("olivia")
    make_post(user, "Morning swim #sea")
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    site.theme = theme
    site.save(update_fields=["theme"])
    services.add_link(site=site, label="Shop", url="https://shop.example/")
    everything = {n.key: clean(n.key, str(n.example) if n.example else "@olivia") for n in NETWORKS}
    services.set_socials(site=site, addresses=everything)
    services.publish(site=site)

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto("/olivia/")
        icons = page.locator(".socials a")
        assert icons.count() == len(NETWORKS)
        names = [icons.nth(i).get_attribute("aria-label") for i in range(icons.count())]
        assert names == [str(n.label) for n in NETWORKS]
        box = icons.first.bounding_box()
        assert box is not None
        assert box["width"] >= 44
        assert box["height"] >= 44, "a finger-sized target"
        violations = Axe().run(page, options=WCAG_AA)
        assert violations.violations_count == 0, violations.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENS / f"socials-{theme}-{scheme}.png")
