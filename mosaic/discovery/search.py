"""Search of the directory (P28, P31): one interface, ``search(query, page=...)``, over
SQLite FTS5 or PostgreSQL full text (``schema``), whichever database Mosaic runs on.

Every search is bounded: at most ``MAX_QUERY_WORDS`` words (``text.query_words``), pages of
``PAGE_SIZE``, no page past ``MAX_PAGE``. A query is never handed to the engine as syntax:
each word is quoted (FTS5) or passed as a lexeme (PostgreSQL), so ``"``, ``*``, ``NEAR(``,
``:``, ``&`` or ``!`` find what they find as text, or nothing; they never raise an error.
Results are limited to ``Site.objects.listed()`` in the same SQL, so a site that left the
directory (switched off, hidden, blocked, deleted) is gone from search at once, before its
row is swept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from mosaic.discovery.schema import FTS_TABLE
from mosaic.discovery.text import query_words
from mosaic.websites.models import Site

PAGE_SIZE = 20
MAX_PAGE = 10
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Results:
    sites: list[Site]
    page: int
    has_next: bool
    words: list[str]


def _listed_sql(column: str) -> tuple[str, tuple[Any, ...]]:
    """``EXISTS (...)``: the site whose id is in ``column`` is listed now (P28, P31), as
    Django writes ``Site.objects.listed()``; one primary-key lookup per match."""
    column_value = RawSQL(column, ())  # noqa: S611 (a column name of this module, no input)
    listed = Site.objects.listed().filter(pk=column_value).order_by().values("pk")
    sql, params = listed.query.sql_with_params()
    return f"EXISTS ({sql})", tuple(params)


def _sqlite(words: list[str], limit: int, offset: int) -> list[int]:
    # Each word a quoted string with a prefix star: "word"* matches word, words, wordy...
    match = " ".join('"' + word.replace('"', "") + '"*' for word in words)
    listed, params = _listed_sql("hits.id")
    # The matches are found first (MATERIALIZED), then each checked against the rule: given
    # "rowid IN (...)" directly, FTS5 would run the match once per listed site.
    sql = (  # only constants and Django's own SQL are formatted in; values are parameters
        f"WITH hits AS MATERIALIZED (SELECT rowid AS id, bm25({FTS_TABLE}, 10.0, 8.0, 1.0, 4.0)"  # noqa: S608
        f" AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        f" SELECT id FROM hits WHERE {listed} ORDER BY score, id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (match, *params, limit, offset))
        return [row[0] for row in cursor.fetchall()]


def _postgresql(words: list[str], limit: int, offset: int) -> list[int]:
    # A word matches as written (prefix) or by its English or Russian stem (prefix).
    one = "(to_tsquery('simple', %s) || to_tsquery('english', %s) || to_tsquery('russian', %s))"
    query = " && ".join([one] * len(words))
    params: list[Any] = []
    for word in words:
        lexeme = "'" + word.replace("'", "") + "':*"
        params += [lexeme, lexeme, lexeme]
    listed, listed_params = _listed_sql("e.site_id")
    sql = (  # only constants and Django's own SQL are formatted in; values are parameters
        f"SELECT e.site_id FROM discovery_searchentry e, (SELECT {query} AS query) AS q"  # noqa: S608
        f" WHERE e.document @@ q.query AND {listed}"
        " ORDER BY ts_rank(e.document, q.query) DESC, e.site_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *listed_params, limit, offset))
        return [row[0] for row in cursor.fetchall()]


def search(query: str, *, page: int = 1) -> Results:
    """The listed sites matching every word of ``query`` (by prefix, accents folded), best
    first. An empty query, or one with no words, finds nothing; so does a page out of range."""
    words = query_words(query[:MAX_QUERY_LENGTH])
    if not words or not 1 <= page <= MAX_PAGE:
        return Results(sites=[], page=page, has_next=False, words=words)
    engine = _postgresql if connection.vendor == "postgresql" else _sqlite
    ids = engine(words, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    found = Site.objects.in_bulk(ids[:PAGE_SIZE])
    sites = [found[pk] for pk in ids[:PAGE_SIZE] if pk in found]
    return Results(
        sites=sites, page=page, has_next=len(ids) > PAGE_SIZE and page < MAX_PAGE, words=words
    )
