"""Search (P28, P31): ranked, by prefix, accents folded, stemmed where the engine can; bounded,
rate-limited, and never a 500 whatever is typed."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import make_user
from mosaic.discovery import search as engine
from mosaic.discovery.models import SearchEntry
from mosaic.discovery.tests.conftest import listed_row

pytestmark = pytest.mark.django_db


def slugs(query: str, page: int = 1) -> list[str]:
    return [site.slug for site in engine.search(query, page=page).sites]


@pytest.fixture
def sites(db):
    listed_row(make_user("ana"), slug="cafe-creme", title="Café Crème", bio="Coffee in Lyon")
    listed_row(
        make_user("boris"),
        slug="boris-runs",
        title="Boris",
        bio="Running every morning",
        captions=("Long way home #marathon #берег",),  # noqa: RUF001
    )
    listed_row(make_user("vera"), slug="vera-sea", title="Ёлки и море", bio="Фотографии моря")
    listed_row(make_user("lena"), slug="lena", title="Lena", bio="I once had a café")


def test_it_finds_by_title_name_bio_and_hashtag(sites):
    assert slugs("Boris") == ["boris-runs"]
    assert slugs("vera-sea") == ["vera-sea"]
    assert slugs("lyon") == ["cafe-creme"]
    assert slugs("marathon") == ["boris-runs"]
    assert slugs("#marathon") == ["boris-runs"]


def test_it_folds_accents_both_ways(sites):
    assert slugs("creme") == ["cafe-creme"]
    assert slugs("CRÈME") == ["cafe-creme"]
    assert slugs("елки") == ["vera-sea"]
    assert slugs("ёлки") == ["vera-sea"]


def test_it_matches_prefixes(sites):
    assert slugs("bor") == ["boris-runs"]
    assert slugs("берег") == ["boris-runs"]  # noqa: RUF001
    assert slugs("фото") == ["vera-sea"]


def test_it_stems_english(sites):
    assert slugs("runs") == ["boris-runs"]  # the name, and "running" stemmed to "run"
    assert "boris-runs" in slugs("run")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 has no Russian stemmer")
def test_it_stems_russian_on_postgresql(sites):
    assert slugs("фотография") == ["vera-sea"]  # "фотографии" in the bio


def test_a_title_match_ranks_above_a_bio_match(sites):
    assert slugs("cafe") == ["cafe-creme", "lena"]


def test_every_word_must_match(sites):
    assert slugs("cafe lyon") == ["cafe-creme"]
    assert slugs("cafe marathon") == []


def test_pages_are_bounded(db):
    user = make_user("many")
    for n in range(engine.PAGE_SIZE + 3):
        listed_row(user, slug=f"sea-{n:02d}", title=f"Sea {n}")
    first = engine.search("sea")
    assert len(first.sites) == engine.PAGE_SIZE
    assert first.has_next
    second = engine.search("sea", page=2)
    assert len(second.sites) == 3
    assert not second.has_next
    assert not {s.pk for s in first.sites} & {s.pk for s in second.sites}
    assert engine.search("sea", page=engine.MAX_PAGE + 1).sites == []
    assert engine.search("sea", page=0).sites == []


MALICIOUS = [
    '"',
    '""',
    "*",
    "cafe*",
    '"cafe',
    "cafe OR boris",
    "NEAR(cafe boris)",
    "title:cafe",
    "{title bio}: cafe",
    "^cafe",
    "cafe -boris",
    "cafe & boris | !lena",
    "cafe:* & !",
    "'); DROP TABLE discovery_searchentry; --",
    "%_%",
    "\\",
    "AND",
    "NOT",
    "café" * 50,
    "a " * 500,
    "🙂🙂",
    "\u202e\u200b",
    "x" * 5000,
]


@pytest.mark.parametrize("query", MALICIOUS)
def test_malicious_queries_find_text_or_nothing_never_an_error(sites, visitor, query):
    result = engine.search(query)
    assert len(result.words) <= 8
    response = visitor.get("/explore/search/", {"q": query})
    assert response.status_code in (200, 400)
    assert SearchEntry.objects.count() == 4
    if len(query) > engine.MAX_QUERY_LENGTH:
        assert response.status_code == 400
        assert "at most 200 characters" in response.content.decode()


def test_an_operator_word_is_searched_as_a_word(sites):
    assert slugs("cafe OR boris") == []  # "or" is just another word nobody has
    assert slugs("NEAR(cafe") == []
    assert slugs('"cafe"') == ["cafe-creme", "lena"]


def test_a_null_byte_or_bad_page_is_a_clear_400(sites, visitor):
    response = visitor.get("/explore/search/", {"q": "cafe\x00"})
    assert response.status_code == 400
    response = visitor.get("/explore/search/", {"q": "cafe", "page": "abc"})
    assert response.status_code == 400
    assert "not a page number" in response.content.decode()
    response = visitor.get("/explore/search/", {"q": "cafe", "page": "99"})
    assert response.status_code == 400
    assert "first 10 pages" in response.content.decode()


def test_the_search_page_shows_results(sites, visitor):
    response = visitor.get("/explore/search/", {"q": "creme"})
    assert response.status_code == 200
    assert 'href="/cafe-creme/"' in response.content.decode()
    nothing = visitor.get("/explore/search/", {"q": "***"})
    assert nothing.status_code == 200
    assert "punctuation alone finds nothing" in nothing.content.decode()


def test_search_is_rate_limited_per_address(sites, visitor, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "discovery_search": "3/m/ip"}
    codes = [visitor.get("/explore/search/", {"q": "cafe"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many searches" in visitor.get("/explore/search/", {"q": "x"}).content.decode()
