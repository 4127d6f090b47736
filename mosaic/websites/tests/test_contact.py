"""The contact card (issue #20 item 9): a vCard of the fields the owner chose to publish,
behind a "Save contact" button; a draft until published, seen only by who may see the site."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import vobject
from axe_playwright_python.sync_playwright import Axe

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.contact import vcard
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post
from tests.browser import SCREENS, WCAG_AA

CARD = {
    "name": "Olivia Grant",
    "phone": "+44 7700 900123",
    "email": "olivia@example.com",
    "website": "https://olivia.example",
}


def test_the_card_holds_the_chosen_fields_and_the_sites_address():
    card = vobject.readOne(
        vcard(CARD, title="Olivia", address="https://m.example/olivia/").decode()
    )
    assert card.fn.value == "Olivia Grant"
    assert card.tel.value == "+44 7700 900123"
    assert card.email.value == "olivia@example.com"
    assert [url.value for url in card.contents["url"]] == [
        "https://olivia.example",
        "https://m.example/olivia/",
    ]


def test_separators_in_a_name_stay_text():
    text = vcard({"name": 'Olivia; Grant, "Jr"'}, title="x", address="https://m.example/o/")
    assert b'FN:Olivia\\; Grant\\, "Jr"' in text
    assert vobject.readOne(text.decode()).fn.value == 'Olivia; Grant, "Jr"'


@pytest.fixture
def site(owner, commit) -> Site:
    make_post(owner.user, "Morning swim #sea")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
    return Site.objects.get(pk=site.pk)


def publish(site: Site, commit) -> None:
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))


@pytest.mark.django_db
def test_no_fields_no_card_and_a_draft_until_published(owner, visitor, site, commit):
    assert visitor.get("/olivia/contact.vcf").status_code == 404
    assert "Save contact" not in body(visitor.get("/olivia/"))
    assert owner.client.post(f"/panel/sites/{site.pk}/contact/", CARD).status_code == 302
    assert visitor.get("/olivia/contact.vcf").status_code == 404, "a draft"
    publish(site, commit)
    response = visitor.get("/olivia/contact.vcf")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert vobject.readOne(body(response)).fn.value == "Olivia Grant"
    assert '<a class="contact-button" href="./contact.vcf" download>Save contact</a>' in body(
        visitor.get("/olivia/")
    )
    owner.client.post(f"/panel/sites/{site.pk}/contact/", {})
    publish(site, commit)
    assert visitor.get("/olivia/contact.vcf").status_code == 404, "all empty: no card"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call me", "Enter a phone number"),
        ("phone", "+1 2", "Enter a phone number"),
        ("email", "olivia@", "Enter a valid email address"),
        ("website", "javascript:alert(1)", "Links must start with"),
        ("website", "mailto:olivia@example.com", "Enter a web address"),
        ("name", "Olivia\x1bGrant", "control characters"),
    ],
)
def test_bad_fields_are_explained_and_nothing_is_saved(owner, site, field, value, message):
    owner.client.post(f"/panel/sites/{site.pk}/contact/", {"name": "Kept"})
    response = owner.client.post(f"/panel/sites/{site.pk}/contact/", {**CARD, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Site.objects.get(pk=site.pk).contact == {"name": "Kept"}


@pytest.mark.django_db
def test_p31_a_private_sites_card_is_its_owners_only(owner, visitor, site, commit):
    owner.client.post(f"/panel/sites/{site.pk}/contact/", CARD)
    publish(site, commit)
    assert visitor.get("/olivia/contact.vcf").status_code == 200
    with commit():
        services.update_settings(
            site=Site.objects.get(pk=site.pk),
            slug="olivia",
            visibility=Site.Visibility.PRIVATE,
            hide_from_search=False,
        )
    assert visitor.get("/olivia/contact.vcf").status_code == 404
    assert owner.client.get("/olivia/contact.vcf").status_code == 200


@pytest.mark.django_db
def test_the_export_carries_the_card(owner, site, commit):
    owner.client.post(f"/panel/sites/{site.pk}/contact/", CARD)
    publish(site, commit)
    response = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    card = next(name for name in archive.namelist() if name.endswith("contact.vcf"))
    assert b"FN:Olivia Grant" in archive.read(card)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("theme", [Site.Theme.GRID, Site.Theme.FEED, Site.Theme.MAGAZINE])
def test_a_visitor_saves_the_contact_on_a_phone(page, settings, theme):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    user = make_user("olivia")
    make_post(user, "Morning swim #sea")
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    site.theme = theme
    site.save(update_fields=["theme"])
    services.set_contact(site=site, fields=CARD)
    services.publish(site=site)

    page.goto("/olivia/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Save contact").click()
    saved = Path(download.value.path()).read_text()
    assert vobject.readOne(saved).email.value == "olivia@example.com"
    violations = Axe().run(page, options=WCAG_AA)
    assert violations.violations_count == 0, violations.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"contact-{theme}.png")
