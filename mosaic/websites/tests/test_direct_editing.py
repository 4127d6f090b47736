"""Editing that feels direct: links edited in place, bare web addresses completed, the order
saved from a drag and drop, the site's full address shown (issue #13)."""

from __future__ import annotations

import pytest

from mosaic.websites import rules, services
from mosaic.websites.models import Site, SitePost
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        for label in ("Shop", "Newsletter", "Book"):
            services.add_link(site=site, label=label, url=f"https://{label.lower()}.example/")
        services.publish(site=site)
    return site


def labels(site: Site) -> list[str]:
    return list(site.links.order_by("position", "id").values_list("label", flat=True))


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("instagram.com/olivia", "https://instagram.com/olivia"),
        ("www.example.org", "https://www.example.org"),
        ("shop.example:8443/prints?size=a4", "https://shop.example:8443/prints?size=a4"),
    ],
)
def test_a_web_address_typed_without_https_gets_it(typed, saved):
    assert rules.check_link_url(typed) == saved


@pytest.mark.parametrize("typed", ["//evil.example/x", "javascript:alert(1)", "localhost:8000"])
def test_only_a_bare_host_is_completed_never_another_scheme(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        rules.check_link_url(typed)


def test_adding_instagram_dot_com_slash_x_saves_the_https_address(owner, site):
    response = owner.client.post(
        f"/panel/sites/{site.pk}/links/", {"label": "Instagram", "url": "instagram.com/x"}
    )
    assert response.status_code == 302
    assert site.links.get(label="Instagram").url == "https://instagram.com/x"


def test_a_link_is_edited_in_place(owner, site):
    link = site.links.get(label="Shop")
    response = owner.client.post(
        f"/panel/sites/{site.pk}/links/{link.pk}/edit/",
        {"label": "Prints", "url": "prints.example/olivia"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.label, link.url) == ("Prints", "https://prints.example/olivia")
    assert labels(site) == ["Prints", "Newsletter", "Book"]


def test_a_bad_edit_is_explained_beside_that_link_and_changes_nothing(owner, site):
    link = site.links.get(label="Shop")
    response = owner.client.post(
        f"/panel/sites/{site.pk}/links/{link.pk}/edit/",
        {"label": "Prints", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    page = body(response)
    assert "Links must start with" in page
    assert f'id="link-{link.pk}-url"' in page
    assert 'aria-invalid="true"' in page
    link.refresh_from_db()
    assert (link.label, link.url) == ("Shop", "https://shop.example/")


def test_another_owner_cannot_edit_or_reorder_the_links(site, other_owner):
    link = site.links.get(label="Shop")
    edit = other_owner.client.post(
        f"/panel/sites/{site.pk}/links/{link.pk}/edit/", {"label": "Mine", "url": "x.example"}
    )
    order = other_owner.client.post(
        f"/panel/sites/{site.pk}/links/order/", {"ids": [link.pk]}, follow=False
    )
    assert (edit.status_code, order.status_code) == (404, 404)
    assert labels(site) == ["Shop", "Newsletter", "Book"]


def test_the_dragged_order_of_links_is_saved_as_a_draft(owner, visitor, site, commit):
    ids = dict(site.links.values_list("label", "pk"))
    response = owner.client.post(
        f"/panel/sites/{site.pk}/links/order/", {"ids": [ids["Book"], ids["Shop"], "x", 99999]}
    )
    assert response.status_code == 204
    assert labels(site) == ["Book", "Shop", "Newsletter"]  # unnamed links keep their turn after
    page = body(visitor.get("/olivia/"))
    assert page.index("Shop") < page.index("Book")  # a draft until published
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))
    page = body(visitor.get("/olivia/"))
    assert page.index("Book") < page.index("Shop") < page.index("Newsletter")


def test_the_dragged_order_of_posts_is_saved_within_pinned_and_the_rest(
    owner, other_owner, site, commit
):
    first, second, third, fourth = (make_post(owner.user, f"Post {n}", days=n) for n in range(4))
    services.set_choice(site=site, post=fourth, pinned=True)
    foreign = make_post(other_owner.user, "Not hers")

    response = owner.client.post(
        f"/panel/sites/{site.pk}/posts/order/",
        {"ids": [third.pk, fourth.pk, first.pk, foreign.pk, second.pk]},
    )

    assert response.status_code == 204
    order = [post.pk for post in services.posts_for_editor(Site.objects.get(pk=site.pk))]
    assert order == [fourth.pk, third.pk, first.pk, second.pk]
    assert not SitePost.objects.filter(post=foreign).exists()


def test_moving_with_the_arrows_still_works_without_javascript(owner, site):
    link = site.links.get(label="Newsletter")
    owner.client.post(f"/panel/sites/{site.pk}/links/{link.pk}/up/")
    assert labels(site) == ["Newsletter", "Shop", "Book"]


def test_the_editor_shows_the_sites_full_address_with_a_copy_button(owner, site, settings):
    settings.SITE_URL = "https://mosaic.example"
    page = body(owner.client.get(f"/panel/sites/{site.pk}/"))
    assert 'href="https://mosaic.example/olivia/"' in page
    assert 'data-copy="https://mosaic.example/olivia/"' in page
