"""The home page shows a real example site, drawn by the themes every site uses (issue #13):
``/example/<theme>/`` and its photo and tag pages, framed as small phones on the home page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from mosaic.websites import rules
from mosaic.websites.example import POSTS, THEMES
from tests.browser import SCREENS, SIZES, WCAG_AA

pytestmark = pytest.mark.django_db

# The tallest each page may be (CSS px): the feed shows its nine photos at full width.
BOUNDS = {"home": 3600, "example-feed": 9000}


@pytest.mark.parametrize("theme", THEMES)
def test_each_theme_draws_the_example_site_without_javascript(visitor, theme):
    response = visitor.get(f"/example/{theme}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<body class="theme-{theme}">' in html
    assert html.count('<li class="card') == len(POSTS)
    assert "Lena Ray" in html
    assert re.findall(r"<script(?![^>]*application/ld\+json)", html) == []  # no JavaScript
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "/_m/" not in html  # nothing counted, nothing to report
    assert "/report/" not in html
    # The example may be framed by the home page, by nobody else.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    stylesheet = re.search(r'href="\./(assets/site\.[0-9a-f]+\.css)"', html)
    assert stylesheet
    css = visitor.get(f"/example/{theme}/{stylesheet[1]}")
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    assert "immutable" in css["Cache-Control"]


def test_photo_and_tag_pages_of_the_example_work(visitor):
    post = visitor.get("/example/feed/p/1/")
    assert post.status_code == 200
    assert "First light over the harbour." in post.content.decode()
    tag = visitor.get("/example/feed/t/sea/")
    assert tag.status_code == 200
    assert tag.content.decode().count('<li class="card') == 3


def test_the_example_photos_are_drawn_images(visitor):
    html = visitor.get("/example/grid/").content.decode()
    addresses = set(re.findall(r"(/example/photos/[^ \"]+)", html))
    assert len(addresses) >= len(POSTS) * 2  # JPEG and WebP, every post
    for address in sorted(addresses)[:6]:
        response = visitor.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/jpeg", "image/webp")
        body = response.content
        assert body[:3] == b"\xff\xd8\xff" or body[8:12] == b"WEBP"
        assert len(body) < 40_000  # tiny
        assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/example/nope/",
        "/example/grid/p/99/",
        "/example/grid/p/0/",
        "/example/grid/t/no-such-tag/",
        "/example/grid/../../panel/",
        "/example/grid/page/2/",
        "/example/grid/sitemap.xml",  # not for search engines
        "/example/photos/1/99-320.jpg",
        "/example/photos/1/1-321.jpg",
        "/example/photos/1/1-320.png",
        "/example/photos/2/1-320.jpg",
        "/example/photos/1/..%2F..%2Fsettings.py",
    ],
)
def test_anything_else_under_example_is_not_found(visitor, path):
    assert visitor.get(path).status_code == 404


def test_the_example_answers_get_only(visitor):
    assert visitor.post("/example/grid/").status_code == 405


def test_no_site_can_take_the_example_address():
    assert "example" in rules.RESERVED_SLUGS


def test_the_home_page_frames_each_theme_and_links_to_it(visitor):
    html = visitor.get("/").content.decode()
    for theme in THEMES:
        assert f'<iframe src="/example/{theme}/"' in html
        assert f'href="/example/{theme}/"' in html
    assert "What a Mosaic site looks like" in html


def test_the_example_speaks_russian_to_a_russian_visitor(visitor):
    visitor.cookies["django_language"] = "ru"
    html = visitor.get("/example/magazine/").content.decode()
    assert '<html lang="ru">' in html
    assert "Перейти к содержимому" in html or "Сделано в Mosaic" in html
    assert "Первый свет над гаванью." in html
    assert "Открыть тему" in visitor.get("/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_the_home_page_and_its_examples_as_a_person_sees_them(page, size):
    """axe, no sideways scroll, screenshots (``var/screens/<size>/home-example*.png``); the
    ``page`` fixture fails on any console error or missing file."""
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    (SCREENS / size).mkdir(parents=True, exist_ok=True)
    found = []
    for name, path in [("home", "/")] + [(f"example-{t}", f"/example/{t}/") for t in THEMES]:
        page.goto(path)
        for frame in page.locator("iframe").all():
            frame.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        page.evaluate(  # every lazy photo, drawn before the screenshot
            """async () => { for (const i of document.images) { i.loading = "eager";
               if (!i.complete) await new Promise(r => { i.onload = i.onerror = r; }); } }"""
        )
        page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_load_state("networkidle")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.evaluate("() => document.querySelector('.example-list')?.scrollTo(0, 0)")
        page.screenshot(path=SCREENS / size / f"{name}.png", full_page=True)
        facts = page.evaluate(
            "() => [document.documentElement.scrollWidth, innerWidth,"
            " document.documentElement.scrollHeight]"
        )
        if facts[0] > facts[1]:
            found.append(f"{path} scrolls sideways: {facts}")
        if facts[2] > BOUNDS.get(name, 4000):
            found.append(f"{path} is {facts[2]} px tall")
        violations = Axe().run(page, options=WCAG_AA).response["violations"]
        found += [f"{path} axe {v['id']}: {v['nodes'][0]['html'][:100]}" for v in violations]
        if name == "home":
            # Every example drew its photos inside its frame.
            for frame in page.frames[1:]:
                loaded = frame.evaluate(
                    "() => [...document.images].filter(i => i.naturalWidth > 0).length"
                )
                if loaded < 3:
                    found.append(f"{frame.url}: {loaded} photos drawn")
    assert found == [], "\n".join(found)
