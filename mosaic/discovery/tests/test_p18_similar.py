"""P18: similar sites come from shared, non-sensitive tags only; owners can switch them off,
visitors can hide them (P16: a cookie in their browser, nothing kept on the server)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from mosaic.discovery import services
from mosaic.discovery.denylist import TERMS, is_sensitive_tag, is_sensitive_text
from mosaic.discovery.models import Similar
from mosaic.discovery.tests.conftest import listed_row, publish_listed
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def similar_slugs(site: Site) -> list[str]:
    return [other.slug for other in services.similar_to(site)]


# --- The denylist ----------------------------------------------------------------------------
CAUGHT = [
    # English
    "health",
    "mentalhealthmatters",
    "cancer",
    "Pregnancy",
    "church",
    "Ramadan",
    "prayer",
    "god",
    "politics",
    "election2024",
    "vote",
    "gay",
    "LGBTQ",
    "pride",
    "ethnicity",
    "racism",
    "refugees",
    "union",
    "tradeunion",
    "strike",
    "biometric",
    "fingerprint",
    "dna",
    # Russian
    "здоровье",
    "ЗдоровыйОбразЖизни",
    "рак",
    "диабет",
    "беременность",
    "церковь",
    "православие",
    "Бог",
    "молитва",
    "политика",
    "выборы",
    "митинг",
    "гей",
    "лгбт",
    "этнос",
    "мигранты",
    "профсоюз",
    "забастовка",
    "биометрия",
    "днк",
]
PASSED = [
    "sea",
    "travel",
    "sunset",
    "coffee",
    "transport",
    "archive",
    "party",
    "море",
    "закат",
    "путешествие",
    "кофе",
    "ракета",
    "здорово",
    "горы",
    "raceday",
]


@pytest.mark.parametrize("tag", CAUGHT)
def test_p18_the_denylist_catches_sensitive_tags_in_both_languages(tag):
    assert is_sensitive_tag(tag)
    assert is_sensitive_tag("#" + tag)


@pytest.mark.parametrize("tag", PASSED)
def test_p18_the_denylist_lets_ordinary_tags_through(tag):
    assert not is_sensitive_tag(tag)


def test_p18_every_category_has_english_and_russian_terms():
    assert set(TERMS) == {
        "health",
        "religion",
        "politics",
        "sexuality",
        "ethnicity",
        "union",
        "biometric",
    }
    for terms in TERMS.values():
        assert any(term.isascii() for term in terms)
        assert any(not term.isascii() for term in terms)


def test_p18_captions_are_checked_word_by_word():
    assert is_sensitive_text("Back home after chemo. #sea")
    assert is_sensitive_text("После химиотерапии снова на море")
    assert not is_sensitive_text("A day at the sea #sunset")
    assert not is_sensitive_text("Здорово было на море")


# --- Recommendations -------------------------------------------------------------------------
def three_sites(tag_a: str, tag_b: str) -> tuple[Site, Site, Site]:
    """Two sites sharing tag_a, one sharing tag_b with the first, each its own owner."""
    one = listed_row(make_user("u1"), slug="one", title="One", captions=(f"#{tag_a}", f"#{tag_b}"))
    two = listed_row(make_user("u2"), slug="two", title="Two", captions=(f"#{tag_a}",))
    three = listed_row(make_user("u3"), slug="three", title="Three", captions=(f"#{tag_b}",))
    services.compute_similar()
    return one, two, three


def test_p18_sites_sharing_a_tag_are_similar(db):
    one, two, _three = three_sites("sea", "surf")
    assert similar_slugs(one) == ["two", "three"] or similar_slugs(one) == ["three", "two"]
    assert similar_slugs(two) == ["one"]


@pytest.mark.parametrize(
    "tag", ["faith", "религия", "politics", "выборы", "mentalhealth", "здоровье", "pride", "лгбт"]
)
def test_p18_a_sensitive_hashtag_never_makes_a_recommendation(db, tag):
    one, two, _three = three_sites(tag, "sunset")
    assert similar_slugs(two) == []  # shares only the sensitive tag with one
    assert similar_slugs(one) == ["three"]
    assert not Similar.objects.filter(entry=two.pk).exists()


@pytest.mark.parametrize("caption", ["After chemo, the sea #sea", "Молитва у моря #sea"])  # noqa: RUF001
def test_p18_a_sensitive_caption_gives_its_tags_to_no_recommendation(db, caption):
    one = listed_row(make_user("u1"), slug="one", title="One", captions=(caption,))
    listed_row(make_user("u2"), slug="two", title="Two", captions=("#sea",))
    services.compute_similar()
    assert similar_slugs(one) == []


def test_p18_a_site_marked_sensitive_is_neither_recommended_nor_shown_them(db):
    one, two, _three = three_sites("sea", "surf")
    services.set_choices(site=two, listed=True, sensitive=True, recommend=True)
    assert "two" not in similar_slugs(one)
    assert similar_slugs(two) == []
    services.compute_similar()
    assert not Similar.objects.filter(other=two.pk).exists()


def test_p18_an_owner_can_switch_recommendations_off_at_once(db, visitor):
    one, two, _three = three_sites("sea", "surf")
    services.set_choices(site=two, listed=True, sensitive=False, recommend=False)
    assert "two" not in similar_slugs(one)  # not recommended elsewhere, before any recompute
    assert similar_slugs(two) == []  # and shows none
    assert "/two/" not in visitor.get(f"/explore/similar/{one.pk}/").content.decode()


def test_p18_similar_sites_are_computed_in_bounded_batches(db):
    for n in range(5):
        listed_row(make_user(f"b{n}"), slug=f"site-{n}", title=f"S{n}", captions=("#sea",))
    assert services.compute_similar(batch=2) == 2
    assert services.compute_similar(batch=2) == 2
    assert services.compute_similar(batch=2) == 1
    assert services.compute_similar(batch=2) == 0  # nothing due until DISCOVERY_SIMILAR_DAYS


def test_p18_the_frame_shows_similar_sites_and_a_visitor_can_hide_them(db, visitor):
    one, _two, _three = three_sites("sea", "surf")
    url = f"/explore/similar/{one.pk}/"
    response = visitor.get(url)
    page = response.content.decode()
    assert 'href="/two/" target="_top"' in page
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert not response.cookies  # a visitor who does not click gets no cookie at all
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(f"{url}preference/", {"similar": "hide"})
    assert response.status_code == 302
    assert response.cookies["mosaic_similar"].value == "hide"
    hidden = visitor.get(url).content.decode()
    assert "/two/" not in hidden
    assert "You hid similar sites" in hidden
    visitor.post(f"{url}preference/", {"similar": "show"})
    assert "/two/" in visitor.get(url).content.decode()


def test_p18_a_published_listed_site_embeds_the_frame_only_while_it_recommends(
    owner, visitor, django_capture_on_commit_callbacks
):
    site = publish_listed(
        owner.user, django_capture_on_commit_callbacks, slug="olivia", title="Olivia"
    )
    frame = f'src="/explore/similar/{site.pk}/"'
    assert frame in visitor.get("/olivia/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_choices(site=site, listed=True, sensitive=False, recommend=False)
    assert frame not in visitor.get("/olivia/").content.decode()
