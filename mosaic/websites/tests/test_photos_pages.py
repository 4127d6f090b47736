"""The photos page in pages of ``PHOTOS_PER_PAGE``: links that work without JavaScript, bad
``?page=`` values answered with a page (never an error), and every action returning to the
page of the post it acted on."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mosaic.posts.models import Post
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db

PER_PAGE = services.PHOTOS_PER_PAGE
START = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def site(owner):
    return services.create_site(owner=owner.user, slug="olivia", title="Olivia")


@pytest.fixture
def many(owner) -> list[int]:
    """Two and a half pages of posts (text only: the pages, not the photos, are tested here),
    newest first as the page shows them."""
    Post.objects.bulk_create(
        Post(
            owner=owner.user,
            source=Post.Source.UPLOAD,
            external_id=f"bulk{n}",
            caption=f"Post number {n}",
            taken_at=START + dt.timedelta(days=n),
        )
        for n in range(PER_PAGE * 2 + PER_PAGE // 2)
    )
    return list(
        Post.objects.filter(owner=owner.user).order_by("-taken_at").values_list("pk", flat=True)
    )


def shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="post-(\d+)"', response.content.decode())]


def test_the_photos_page_shows_one_page_of_posts_with_links_to_the_others(owner, site, many):
    response = owner.client.get(f"/panel/sites/{site.pk}/posts/")
    assert response.status_code == 200
    assert shown(response) == many[:PER_PAGE]
    html = response.content.decode()
    assert f"Posts 1\N{EN DASH}{PER_PAGE} of {len(many)}" in html
    assert 'href="?page=2" rel="next"' in html
    assert 'href="?page=3"' in html
    assert 'aria-current="page">1<' in html
    assert html.count('href="?page=3"') == 2  # the links above the list and below it

    second = owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": 2})
    assert shown(second) == many[PER_PAGE : PER_PAGE * 2]
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    last = owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": 3})
    assert shown(last) == many[PER_PAGE * 2 :]
    assert 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("0", "last"),  # Django's get_page: below or past the end is the last page
        ("-1", "last"),
        ("4", "last"),
        ("999999999999999999999999", "last"),
        ("abc", "first"),
        ("2.5", "first"),
        ("", "first"),
        ("1%00", "first"),
        ("<script>", "first"),
    ],
)
def test_a_bad_page_number_shows_the_first_or_the_last_page(owner, site, many, value, page):
    response = owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": value})
    assert response.status_code == 200
    expected = many[:PER_PAGE] if page == "first" else many[PER_PAGE * 2 :]
    assert shown(response) == expected
    assert "<script>" not in response.content.decode().split("</h1>", 1)[1].split("<ol")[0]


def test_no_page_links_when_everything_fits_on_one_page(owner, site):
    make_post(owner.user, "Only one")
    response = owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": "7"})
    assert response.status_code == 200
    assert len(shown(response)) == 1
    assert 'class="pages"' not in response.content.decode()


def test_another_owner_cannot_page_through_my_photos(other_owner, site, many):
    response = other_owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": 2})
    assert response.status_code == 404


def test_hiding_on_page_two_returns_to_page_two_at_the_post(owner, site, many):
    post = many[PER_PAGE + 5]
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/{post}/hide/")
    assert response.status_code == 302
    assert response["Location"] == f"/panel/sites/{site.pk}/posts/?page=2#post-{post}"
    page = owner.client.get(response["Location"])
    assert f'<li id="post-{post}" data-id="{post}" class="site-post is-hidden">' in (
        page.content.decode()
    )
    assert services.editor_order(Site.objects.get(pk=site.pk)) == many  # still in its place


def test_pinning_follows_the_post_to_the_first_page(owner, site, many):
    post = many[-1]
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/{post}/pin/")
    assert response["Location"] == f"/panel/sites/{site.pk}/posts/#post-{post}"
    assert shown(owner.client.get(response["Location"]))[0] == post


def test_moving_down_across_a_page_boundary_follows_the_post(owner, site, many):
    post = many[PER_PAGE - 1]  # the last of page 1
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/{post}/down/")
    assert response["Location"] == f"/panel/sites/{site.pk}/posts/?page=2#post-{post}"
    assert shown(owner.client.get(response["Location"]))[0] == post


def test_reordering_one_page_keeps_the_other_pages_in_place(owner, site, many):
    """A drag and drop sends the ids of the page it happened on, reordered."""
    page_two = many[PER_PAGE : PER_PAGE * 2]
    reordered = [page_two[-1], *page_two[:-1]]
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/order/", {"ids": reordered})
    assert response.status_code == 204
    order = services.editor_order(Site.objects.get(pk=site.pk))
    assert order == many[:PER_PAGE] + reordered + many[PER_PAGE * 2 :]


def test_deleting_a_post_on_the_last_page_returns_to_that_page(owner, site, many):
    post = many[-1]
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/{post}/remove/", {"page": "3"})
    assert response["Location"] == f"/panel/sites/{site.pk}/posts/?page=3"
    assert not Post.objects.filter(pk=post).exists()


@pytest.mark.parametrize("value", ["x", "-2", "9" * 30, ""])
def test_a_bad_page_field_in_a_form_returns_to_the_first_page(owner, site, many, value):
    post = many[3]
    response = owner.client.post(f"/panel/sites/{site.pk}/posts/{post}/remove/", {"page": value})
    assert response.status_code == 302
    assert response["Location"] == f"/panel/sites/{site.pk}/posts/"


def test_forms_on_page_two_carry_the_page(owner, site, many):
    html = owner.client.get(f"/panel/sites/{site.pk}/posts/", {"page": 2}).content.decode()
    assert html.count('<input type="hidden" name="page" value="2">') >= PER_PAGE
    first = owner.client.get(f"/panel/sites/{site.pk}/posts/").content.decode()
    assert 'name="page"' not in first
