"""The photo pages' extension point (``websites.sections``): what a registered provider returns
for a post is inside that post's page, once per build; nothing when none is registered."""

from __future__ import annotations

import pytest
from django.utils.html import format_html

from mosaic.websites import sections, services
from mosaic.websites.content import draft_snapshot
from mosaic.websites.example import ExampleRenderer
from mosaic.websites.render import SiteRenderer, Target
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    calls: list[list[int]] = []

    def extra(renderer, posts):
        calls.append([post.pk for post in posts])
        return {posts[0].pk: format_html("<p class='extra'>{}</p>", "<for the first>")}

    saved = dict(sections._sections)
    sections.register("test-extra", extra, order=10)
    yield calls
    sections._sections.clear()
    sections._sections.update(saved)


def test_a_registered_section_is_on_its_post_page_only_and_asked_once_per_build(owner, provider):
    first, second = make_post(owner.user, "One"), make_post(owner.user, "Two", days=1)
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
    renderer = SiteRenderer(site=site, snapshot=draft_snapshot(site), target=Target())
    pages = {post.pk: page_of(renderer, post.pk) for post in (first, second)}
    top = renderer.posts[0].pk
    other = second.pk if top == first.pk else first.pk
    assert b"<p class='extra'>&lt;for the first&gt;</p>" in pages[top]
    assert b"class='extra'" not in pages[other]
    assert len(provider) == 1  # one call for the whole build
    assert sorted(provider[0]) == sorted([first.pk, second.pk])


def page_of(renderer: SiteRenderer, post_id: int) -> bytes:
    page = renderer.render(f"p/{post_id}/index.html")
    assert page is not None, "every shown post has a page"
    return page


def test_the_example_site_asks_no_provider(provider):
    html = ExampleRenderer("grid").render("p/1/index.html")
    assert html is not None
    assert b"class='extra'" not in html
    assert provider == []
