"""Text as the directory compares it: accents folded, case folded, split into bounded words."""

from __future__ import annotations

import re
import unicodedata

#: Words of a query kept (the rest ignored) and the longest word looked for.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents: "Crème Brûlée" -> "creme brulee", "Ёлка" -> "елка".

    Both the index and every query go through this, so a search matches whichever way a word
    is written; folding before the engine keeps SQLite and PostgreSQL alike (PostgreSQL's
    ``unaccent`` is an extension we cannot count on)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (letters, digits and underscores only)."""
    return _WORD.findall(fold(text))


def query_words(query: str) -> list[str]:
    """The words a search looks for: at most ``MAX_QUERY_WORDS``, each cut to
    ``MAX_WORD_LENGTH``, duplicates dropped. Everything else in the query (quotes, ``*``,
    ``NEAR``'s brackets, ``:``, ``&``, ``!``) is not syntax to any engine: it is dropped."""
    seen: dict[str, None] = {}
    for word in words(query):
        word = word[:MAX_WORD_LENGTH].strip("_")
        if word:
            seen.setdefault(word, None)
        if len(seen) >= MAX_QUERY_WORDS:
            break
    return list(seen)
