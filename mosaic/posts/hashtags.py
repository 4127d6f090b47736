"""Finding hashtags in captions, the way Instagram does (Unicode-aware)."""

from __future__ import annotations

import unicodedata

MAX_HASHTAG_LENGTH = 100


def _tag_char(char: str) -> bool:
    # Letters, marks (Devanagari vowel signs, Thai tone marks...), digits and underscore: a
    # plain \w would cut "#हिन्दी" at its first vowel sign.
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def hashtags(caption: str) -> list[str]:
    """Hashtags in order of first appearance, without '#', de-duplicated case-insensitively.

    A '#' counts at the start, right after another tag ("#one#two"), or after a character that
    cannot be part of a word (so "a#b" and "&#39;" are not tags); a tag of digits only is not a
    tag, as on Instagram.
    """
    text = unicodedata.normalize("NFC", caption)
    found: dict[str, str] = {}
    index, last_tag_end = 0, -1
    while (index := text.find("#", index)) != -1:
        after_word = index > 0 and (_tag_char(text[index - 1]) or text[index - 1] in "&#")
        if after_word and index != last_tag_end:
            index += 1
            continue
        end = index + 1
        while end < len(text) and _tag_char(text[end]):
            end += 1
        tag = text[index + 1 : end][:MAX_HASHTAG_LENGTH]
        if tag and not tag.isdigit():
            found.setdefault(tag.casefold(), tag)
            last_tag_end = end
        index = end
    return list(found.values())


def tag_key(tag: str) -> str:
    """The form a tag is compared and addressed by (``/tag/<key>/``)."""
    return unicodedata.normalize("NFC", tag).casefold()
