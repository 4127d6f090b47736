"""Captions, bios, titles and labels stay text everywhere; link buttons refuse dangerous schemes."""

from __future__ import annotations

import json
import re
import xml.dom.minidom

import pytest
from django.core.exceptions import ValidationError

from mosaic.websites import publishing, rules, services
from mosaic.websites.models import Site, SiteLink
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "' onmouseover='alert(3)",
    "]]><x>&amp;</x><!--",
]
PAYLOAD = " ".join(XSS)
# Short fields get as many payloads as their column holds (PostgreSQL enforces the lengths).
TITLE = " ".join(XSS[:3])[: Site._meta.get_field("title").max_length]
LABEL = " ".join(XSS[:2])[: SiteLink._meta.get_field("label").max_length]


@pytest.fixture
def hostile_site(owner, commit):
    make_post(owner.user, f"{PAYLOAD} #tag", permalink="javascript:alert(4)")
    with commit():
        site = services.create_site(owner=owner.user, slug="hostile", title=TITLE)
        site.bio = PAYLOAD
        site.save(update_fields=["bio"])
        services.add_link(site=site, label=LABEL, url='https://example.com/?q=<b>&x="y"')
        services.publish(site=site)
    return Site.objects.get(pk=site.pk)


def every_file(site: Site) -> dict[str, str]:
    folder = publishing.build_folder(site)
    assert folder is not None
    return {
        str(path.relative_to(folder)): path.read_text()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_xss_payloads_in_every_text_field_are_inert_in_every_file(hostile_site):
    files = every_file(hostile_site)
    assert any(name.startswith("p/") for name in files)
    for name, text in files.items():
        for payload in XSS:
            assert payload not in text, f"{payload!r} reached {name} unescaped"
        assert "<script>" not in text
        assert "onerror=" not in text.replace("onerror=alert", "") or "&quot;" in text
        assert "javascript:" not in text, name


def test_json_ld_stays_valid_json_holding_the_text(hostile_site):
    for name, text in every_file(hostile_site).items():
        if not name.endswith(".html"):
            continue
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        assert len(blocks) == 1, name
        data = json.loads(blocks[0])
        assert isinstance(data, dict)


def test_the_sitemap_is_well_formed_xml(hostile_site):
    sitemap = every_file(hostile_site)["sitemap.xml"]
    xml.dom.minidom.parseString(sitemap)  # noqa: S318 (our own output; raises on injected markup)


def test_og_tags_carry_the_title_escaped(hostile_site):
    index = every_file(hostile_site)["index.html"]
    assert 'property="og:title" content="&lt;script&gt;' in index


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/\\evil.example",
        "https://exa mple.com",
        "ftp://example.com/",
        "https:\\\\evil.example",
        "https://example.com/\u202e",
        "mailto:not an address",
        "tel:call-me",
        "",
    ],
)
def test_link_buttons_refuse_dangerous_or_broken_addresses(url):
    with pytest.raises(ValidationError):
        rules.check_link_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/shop?a=1&b=2",
        "http://example.com",
        "mailto:me@example.com",
        "tel:+15551234567",
        "HTTPS://EXAMPLE.COM/",
    ],
)
def test_link_buttons_accept_web_mail_and_phone_addresses(url):
    assert rules.check_link_url(url).lower() == url.lower()


def test_the_link_form_refuses_javascript_with_a_message(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
    response = owner.client.post(
        f"/panel/sites/{site.pk}/links/", {"label": "Click", "url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert "Links must start with https://" in response.content.decode()
    assert not site.links.exists()
