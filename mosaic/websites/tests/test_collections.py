"""Collections (issue #20 item 7): named, ordered sets of a site's posts with a page of their own
at ``/<slug>/c/<name>/`` and optional links from the home page; a draft until published, and
only what the site shows publicly (P31)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest

from mosaic.posts.models import Post
from mosaic.websites import collection_services as curate
from mosaic.websites import publishing, services
from mosaic.websites.collection import MAX_POSTS
from mosaic.websites.models import Collection, CollectionPost, Site
from mosaic.websites.privacy import SiteData
from mosaic.websites.tests.conftest import TAKEN, body, make_post

pytestmark = pytest.mark.django_db
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def site(owner, commit) -> Site:
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
    return site


@pytest.fixture
def posts(owner) -> list[Post]:
    return [
        make_post(owner.user, f"{caption} #sea", days=day)
        for day, caption in enumerate(["Harbour at dawn", "Dune grass", "Night ferry"])
    ]


def publish(site: Site, commit) -> None:
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))


def make(owner, site, title: str, name: str = "", **more) -> Any:
    return owner.client.post(
        f"/panel/sites/{site.pk}/collections/", {"title": title, "name": name, **more}
    )


def captions_in(page: str) -> list[str]:
    return re.findall(r"(Harbour at dawn|Dune grass|Night ferry)", page)


# --- Names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Summer by the sea", "summer-by-the-sea"),
        ("Лето у моря", "лето-у-моря"),  # noqa: RUF001 (Russian, on purpose)
        ("  Prints: 2026!  ", "prints-2026"),
        ("A" * 80, "a" * 40),  # a long title gives a name cut to 40
    ],
)
def test_the_name_in_the_address_comes_from_the_title(owner, site, title, name):
    response = make(owner, site, title)
    kept = Collection.objects.get(site=site)
    assert response.status_code == 302
    assert response["Location"] == f"/panel/sites/{site.pk}/collections/{kept.pk}/"
    assert (kept.title, kept.name) == (title.strip(), name)


def test_a_written_name_wins_over_the_title(owner, site):
    make(owner, site, "Prints for sale", "Shop Prints")
    assert Collection.objects.get(site=site).name == "shop-prints"


@pytest.mark.parametrize(
    ("title", "name", "message"),
    [
        ("", "", "This field is required"),
        ("!!!", "", "The name needs at least one letter or digit"),
        ("Good", "---", "The name needs at least one letter or digit"),
        ("New things", "new", "is reserved"),
        ("Pages", "page", "is reserved"),
        ("Sea", "s" * 41, "at most 40 characters long; this one has 41"),
        ("Sea", "s" * 300, "Ensure this value has at most 200 characters"),
        ("Sea\x1b", "", "control character"),
        ("T" * 81, "", "at most 80 characters"),
    ],
)
def test_a_bad_name_is_explained_and_nothing_is_made(owner, site, title, name, message):
    response = make(owner, site, title, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Collection.objects.filter(site=site).exists()


def test_a_name_is_unique_per_site_only(owner, other_owner, site, commit):
    make(owner, site, "Sea")
    response = make(owner, site, "Sea")
    assert response.status_code == 400
    assert "Another collection of this site is called “sea”" in response.content.decode()
    assert make(owner, site, "Sea", "sea-2").status_code == 302
    with commit():
        other = services.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
    assert make(other_owner, other, "Sea").status_code == 302, "another site may use it"


def test_the_service_refuses_what_the_form_would(site):
    curate.create_collection(site=site, title="Sea", name="sea")
    for name in ("sea", "", "new", "x" * 41):
        with pytest.raises(curate.Refused):
            curate.create_collection(site=site, title="Again", name=name)
    assert Collection.objects.filter(site=site).count() == 1


def test_renaming_keeps_the_posts_and_refuses_a_taken_name(owner, site, posts):
    sea = curate.create_collection(site=site, title="Sea", name="sea")
    curate.create_collection(site=site, title="Hills", name="hills")
    curate.add_posts(kept=sea, post_ids=[posts[0].pk])
    url = f"/panel/sites/{site.pk}/collections/{sea.pk}/"
    response = owner.client.post(url, {"title": "Hills again", "name": "hills"})
    assert response.status_code == 400
    assert "Another collection of this site is called “hills”" in response.content.decode()
    assert owner.client.post(url, {"title": "The sea", "name": "sea"}).status_code == 302
    assert owner.client.post(url, {"title": "Coast", "name": ""}).status_code == 302
    sea.refresh_from_db()
    assert (sea.title, sea.name) == ("Coast", "coast")
    assert list(sea.entries.values_list("post_id", flat=True)) == [posts[0].pk]


# --- Choosing and ordering posts ---------------------------------------------------------------
def test_posts_are_added_in_order_moved_and_taken_out(owner, other_owner, site, posts):
    theirs = make_post(other_owner.user, "Not Olivia's")
    make(owner, site, "Sea")
    kept = Collection.objects.get(site=site)
    url = f"/panel/sites/{site.pk}/collections/{kept.pk}/"
    ids = [posts[2].pk, posts[0].pk, theirs.pk, posts[2].pk]
    assert owner.client.post(url + "add/", {"posts": ids}).status_code == 302

    def order() -> list[int]:
        return list(kept.entries.values_list("post_id", flat=True))

    assert order() == [posts[2].pk, posts[0].pk], "another owner's post and a repeat ignored"
    owner.client.post(url + "add/", {"posts": [posts[1].pk, posts[0].pk]})
    assert order() == [posts[2].pk, posts[0].pk, posts[1].pk], "a present post stays put"
    owner.client.post(url + f"posts/{posts[1].pk}/up/")
    assert order() == [posts[2].pk, posts[1].pk, posts[0].pk]
    owner.client.post(url + f"posts/{posts[2].pk}/up/")  # already first: nothing moves
    owner.client.post(url + f"posts/{posts[2].pk}/down/")
    assert order() == [posts[1].pk, posts[2].pk, posts[0].pk]
    owner.client.post(url + f"posts/{posts[2].pk}/remove/")
    assert order() == [posts[1].pk, posts[0].pk]
    assert Post.objects.filter(pk=posts[2].pk).exists(), "the post stays on the site"
    page = body(owner.client.get(url))
    assert page.index("Dune grass") < page.index("Harbour at dawn")


def test_adding_nothing_or_too_many_is_explained(owner, site, posts):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    url = f"/panel/sites/{site.pk}/collections/{kept.pk}/"
    response = owner.client.post(url + "add/", {}, follow=True)
    assert "Choose at least one photo to add." in response.content.decode()
    many = Post.objects.bulk_create(
        [
            Post(owner=owner.user, source=Post.Source.UPLOAD, external_id=f"m{n}", taken_at=TAKEN)
            for n in range(MAX_POSTS)
        ]
    )
    CollectionPost.objects.bulk_create(
        [CollectionPost(collection=kept, post=post, position=n) for n, post in enumerate(many)]
    )
    response = owner.client.post(url + "add/", {"posts": [posts[0].pk]}, follow=True)
    assert f"A collection can hold at most {MAX_POSTS} posts" in response.content.decode()
    assert kept.entries.count() == MAX_POSTS


def test_another_owner_reaches_none_of_it(owner, other_owner, site, posts):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    base = f"/panel/sites/{site.pk}/collections/"
    assert other_owner.client.get(base).status_code == 404
    assert other_owner.client.get(f"{base}{kept.pk}/").status_code == 404
    for action in ("delete", "home", "up", "add"):
        assert other_owner.client.post(f"{base}{kept.pk}/{action}/").status_code == 404
    assert Collection.objects.filter(pk=kept.pk, on_home=False).exists()
    assert owner.client.post(f"{base}{kept.pk}/nonsense/").status_code == 404


# --- The public pages --------------------------------------------------------------------------
def test_a_collection_is_a_draft_until_published_then_has_its_page(
    owner, visitor, site, posts, commit
):
    make(owner, site, "Sea and night")
    kept = Collection.objects.get(site=site)
    url = f"/panel/sites/{site.pk}/collections/{kept.pk}/"
    owner.client.post(url + "add/", {"posts": [posts[2].pk, posts[0].pk]})
    owner.client.post(f"/panel/sites/{site.pk}/collections/{kept.pk}/home/")
    assert visitor.get("/olivia/c/sea-and-night/").status_code == 404, "a draft"
    assert "Sea and night" not in body(visitor.get("/olivia/"))
    assert "not published yet" in body(owner.client.get(url))
    publish(site, commit)

    page = body(visitor.get("/olivia/c/sea-and-night/"))
    assert '<h1 class="page-title">Sea and night</h1>' in page
    assert captions_in(page) == ["Night ferry", "Harbour at dawn"], "the owner's order"
    assert "<script" not in page.replace('<script type="application/ld+json">', "")
    home = body(visitor.get("/olivia/"))
    assert '<nav class="collections" aria-label="Collections">' in home
    assert '<a href="./c/sea-and-night/">Sea and night</a>' in home
    assert visitor.get("/olivia/c/no-such-thing/").status_code == 404

    owner.client.post(f"/panel/sites/{site.pk}/collections/{kept.pk}/unhome/")
    publish(site, commit)
    assert "sea-and-night" not in body(visitor.get("/olivia/")), "no link, the page stays"
    assert visitor.get("/olivia/c/sea-and-night/").status_code == 200
    owner.client.post(f"/panel/sites/{site.pk}/collections/{kept.pk}/delete/")
    assert visitor.get("/olivia/c/sea-and-night/").status_code == 200, "until published"
    publish(site, commit)
    assert visitor.get("/olivia/c/sea-and-night/").status_code == 404


def test_home_links_follow_the_collections_order(owner, visitor, site, commit):
    for title in ("First", "Second", "Third"):
        kept = curate.create_collection(site=site, title=title, name=title.lower())
        curate.show_on_home(kept=kept, shown=title != "Second")
    third = Collection.objects.get(name="third")
    owner.client.post(f"/panel/sites/{site.pk}/collections/{third.pk}/up/")
    owner.client.post(f"/panel/sites/{site.pk}/collections/{third.pk}/up/")
    publish(site, commit)
    nav = re.search(r'<nav class="collections".*?</nav>', body(visitor.get("/olivia/")), re.S)
    assert nav is not None
    assert re.findall(r">(\w+)</a>", nav.group()) == ["Third", "First"]


def test_p31_hidden_posts_never_appear_in_a_collection(owner, visitor, site, posts, commit):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    curate.add_posts(kept=kept, post_ids=[p.pk for p in posts])
    services.set_choice(site=site, post=posts[1], hidden=True)
    publish(site, commit)
    page = body(visitor.get("/olivia/c/sea/"))
    assert captions_in(page) == ["Harbour at dawn", "Night ferry"]
    assert f"p/{posts[1].pk}/" not in page
    # The owner sees why in the panel.
    assert "Hidden on your site" in body(
        owner.client.get(f"/panel/sites/{site.pk}/collections/{kept.pk}/")
    )


def test_photos_use_the_grids_markup(owner, visitor, site, posts, commit):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    curate.add_posts(kept=kept, post_ids=[posts[0].pk])
    item = posts[0].items.get()
    item.alt_text = "Fishing boats moored at first light"
    item.save(update_fields=["alt_text"])
    publish(site, commit)
    home, page = body(visitor.get("/olivia/")), body(visitor.get("/olivia/c/sea/"))
    card = re.compile(rf'<li class="card[^"]*" data-post="{posts[0].pk}">.*?</li>', re.S)
    on_home, on_page = card.search(home), card.search(page)
    assert on_home is not None
    assert on_page is not None
    assert 'alt="Fishing boats moored at first light"' in on_page.group()
    assert "srcset=" in on_page.group()
    # The same picture, one folder further down.
    assert on_page.group().replace("../../", "./") == on_home.group()


@pytest.mark.parametrize("visibility", ["private", "unlisted", "public"])
def test_p31_a_collection_page_follows_the_sites_visibility(
    owner, visitor, site, posts, commit, visibility
):
    kept = curate.create_collection(site=site, title="Лето", name="лето")
    curate.add_posts(kept=kept, post_ids=[posts[0].pk])
    publish(site, commit)
    with commit():
        services.update_settings(
            site=Site.objects.get(pk=site.pk),
            slug="olivia",
            visibility=visibility,
            hide_from_search=False,
        )
    response = visitor.get("/olivia/c/лето/")
    sitemap = visitor.get("/olivia/sitemap.xml")
    if visibility == "private":
        assert response.status_code == 404
        assert owner.client.get("/olivia/c/лето/").status_code == 200
    elif visibility == "unlisted":
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex"
        assert sitemap.status_code == 404
    else:
        assert response.status_code == 200
        assert "X-Robots-Tag" not in response
        assert "/olivia/c/%D0%BB%D0%B5%D1%82%D0%BE/" in body(sitemap)


def test_p07_a_removed_post_leaves_a_collection_page_before_the_next_build(
    owner, visitor, site, posts, commit, settings
):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    curate.add_posts(kept=kept, post_ids=[p.pk for p in posts])
    publish(site, commit)
    settings.TASKS = QUEUE_ONLY  # the republish is queued but has not run
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/posts/{posts[0].pk}/remove/")
    assert captions_in(body(visitor.get("/olivia/c/sea/"))) == ["Dune grass", "Night ferry"]


def test_the_zip_export_holds_the_pages_and_the_collections(owner, site, posts, commit):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    curate.add_posts(kept=kept, post_ids=[posts[1].pk, posts[0].pk])
    curate.show_on_home(kept=kept, shown=True)
    publish(site, commit)
    response = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    page = archive.read("olivia/c/sea/index.html").decode()
    assert captions_in(page) == ["Dune grass", "Harbour at dawn"]
    assert f'href="../../p/{posts[1].pk}/index.html"' in page, "works opened from disk"
    assert 'href="./c/sea/index.html"' in archive.read("olivia/index.html").decode()
    data = json.loads(archive.read("olivia/collections.json"))
    assert data["collections"] == [
        {
            "name": "sea",
            "title": "Sea",
            "on_home_page": True,
            "page": "c/sea/index.html",
            "posts": [
                {"id": posts[1].pk, "page": f"p/{posts[1].pk}/index.html"},
                {"id": posts[0].pk, "page": f"p/{posts[0].pk}/index.html"},
            ],
        }
    ]
    build = publishing.build_folder(Site.objects.get(pk=site.pk))
    assert build is not None
    assert (build / "c/sea/index.html").is_file()
    assert not (build / "collections.json").exists(), "the data file is the export's only"


def test_the_owners_data_export_carries_collections_and_erasing_removes_them(owner, site, posts):
    kept = curate.create_collection(site=site, title="Sea", name="sea")
    curate.add_posts(kept=kept, post_ids=[posts[0].pk])
    exported = SiteData().export(owner.user)
    assert exported[0]["collections"] == [
        {"name": "sea", "title": "Sea", "on_home_page": False, "post_ids": [posts[0].pk]}
    ]
    SiteData().erase(owner.user)
    assert not Collection.objects.exists()
    assert not CollectionPost.objects.exists()


def test_an_edit_is_activity_and_shows_as_unpublished(owner, site, commit):
    site = Site.objects.get(pk=site.pk)
    before = site.edited_at
    make(owner, site, "Sea")
    site.refresh_from_db()
    assert site.edited_at is not None
    assert before is None or site.edited_at > before
    editor = body(owner.client.get(f"/panel/sites/{site.pk}/"))
    assert "You have changes that are not published yet." in editor
    assert f'href="/panel/sites/{site.pk}/collections/"' in editor
