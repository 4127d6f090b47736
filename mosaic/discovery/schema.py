"""The full-text index, one per database engine, behind ``search.backend()``.

- SQLite: an FTS5 table over ``discovery_searchentry`` (external content) with the
  ``porter unicode61 remove_diacritics 2`` tokenizer: English stemming, accents folded;
  triggers keep it in step with the rows. FTS5 has no Russian stemmer; prefix queries cover
  Russian endings.
- PostgreSQL: a generated ``tsvector`` column (simple + english + russian configurations, so
  both languages are stemmed and every word is also kept as written, for prefixes) with a
  GIN index.

Both are made with ``IF NOT EXISTS`` after every migrate, so a database made without
migrations (the test run) has them too.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

FTS_TABLE = "discovery_search_fts"
_COLUMNS = "name, title, bio, tags"
_OLD = "old.name, old.title, old.bio, old.tags"
_NEW = "new.name, new.title, new.bio, new.tags"

# Only constant names are formatted into these statements (S608 does not apply).
SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS},"
    " content='discovery_searchentry', content_rowid='site_id',"
    " tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS discovery_search_ai AFTER INSERT ON discovery_searchentry"  # noqa: S608
    f" BEGIN INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.site_id, {_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS discovery_search_ad AFTER DELETE ON discovery_searchentry"  # noqa: S608
    f" BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS})"
    f" VALUES ('delete', old.site_id, {_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS discovery_search_au AFTER UPDATE ON discovery_searchentry"  # noqa: S608
    f" BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS})"
    f" VALUES ('delete', old.site_id, {_OLD});"
    f" INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.site_id, {_NEW}); END",
]


def _vector(column: str, weight: str, *configs: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, coalesce({column}, '')), '{weight}')"
        for config in configs
    )


POSTGRESQL = [
    "ALTER TABLE discovery_searchentry ADD COLUMN IF NOT EXISTS document tsvector"
    " GENERATED ALWAYS AS ("
    + " || ".join(
        [
            _vector("name", "A", "simple"),
            _vector("title", "A", "simple", "english", "russian"),
            _vector("tags", "B", "simple", "english", "russian"),
            _vector("bio", "C", "simple", "english", "russian"),
        ]
    )
    + ") STORED",
    "CREATE INDEX IF NOT EXISTS discovery_searchentry_document"
    " ON discovery_searchentry USING GIN (document)",
]


def ensure(using: str = "default") -> None:
    conn = connections[using]
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(conn.vendor)
    if statements is None:
        return
    tables = conn.introspection.table_names()
    if "discovery_searchentry" not in tables:
        return
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def compact(using: str = "default") -> None:
    """P08: FTS5 keeps a deleted row's words in its index segments until they are merged;
    ``optimize`` merges them all, so nothing of a deleted site stays in the file. PostgreSQL
    reclaims deleted rows with (auto)vacuum, as for every table."""
    conn = connections[using]
    if conn.vendor == "sqlite" and FTS_TABLE in conn.introspection.table_names():
        with conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608


def drop(using: str = "default") -> None:
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif conn.vendor == "postgresql":
            cursor.execute("ALTER TABLE discovery_searchentry DROP COLUMN IF EXISTS document")


def on_post_migrate(using: str = "default", **kwargs: Any) -> None:
    ensure(using)
