"""The posts lists of a data download read as a stream (ijson): one post in memory at a time.

A posts file is a JSON list of posts, or an object holding that list as its first list value;
``media.json`` holds its lists under named keys ("photos", "videos"). The file is parsed
incrementally from the ZIP member's stream, so a 60 MB list costs the memory of one post.

What no real download holds is refused as "not an Instagram posts list": nesting deeper than a
post can be (no ``RecursionError``), a single post bigger than any real one, a text longer than
any caption, or a document that is not a list of posts at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from mosaic.lib.deferred import Deferred, DeferredError, gettext_noop

# list > post > media list > item > value is five levels; wrappers of later layouts add one or two.
MAX_DEPTH = 10
# A carousel of twenty items with every known field is a few hundred parse events.
MAX_EVENTS_PER_POST = 10_000
# Instagram's captions stop at 2,200 characters; mis-encoded UTF-8 at most quadruples that.
MAX_TEXT_CHARS = 64 * 1024

_OPEN = {"start_map", "start_array"}
_CLOSE = {"end_map", "end_array"}


class NotAPostsList(DeferredError):
    """The file cannot be an Instagram posts list; the message says why, for the owner."""


class BrokenJson(DeferredError):
    """The file is not valid JSON (cut short, damaged, not UTF-8)."""


NOT_JSON = gettext_noop("%(name)s in the archive is not valid JSON")


def posts_in(
    stream: IO[bytes], *, name: str, sections: tuple[str, ...] | None = None
) -> Iterator[Any]:
    """Each entry of the file's posts list, in order, as plain Python values.

    ``sections=None``: the list is the document, or the first list inside the top object.
    ``sections=("photos", "videos")``: every list under those keys of the top object.
    """
    depth = 0  # containers open around the next event
    list_depth = 0  # depth inside the list being read (0: not in one)
    lists_taken = 0
    key: str | None = None
    builder: ijson.ObjectBuilder | None = None
    events = 0
    try:
        for event, value in ijson.basic_parse(stream, use_float=True):
            if event in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _not_a_list(name, gettext_noop("it is nested deeper than any posts list"))
            elif event in _CLOSE:
                depth -= 1
            elif event in ("string", "map_key") and len(value) > MAX_TEXT_CHARS:
                raise _not_a_list(name, gettext_noop("it holds a text longer than any caption"))

            if builder is not None:  # inside one post
                events += 1
                if events > MAX_EVENTS_PER_POST:
                    raise _not_a_list(name, gettext_noop("one entry is bigger than any post"))
                builder.event(event, value)
                if depth == list_depth:
                    yield builder.value
                    builder = None
                continue
            if list_depth:  # between posts
                if depth < list_depth:  # the list closed
                    list_depth = 0
                elif event in _OPEN:
                    builder, events = ijson.ObjectBuilder(), 1
                    builder.event(event, value)
                else:
                    yield value  # a bare value where a post should be: the caller skips it
                continue
            if depth == 1 and event == "start_array" and key is None:
                if sections is not None:
                    raise _not_a_list(
                        name, gettext_noop("it is a list where an object was expected")
                    )
                list_depth, lists_taken = 1, lists_taken + 1  # the document is the list
            elif depth == 1 and event == "start_map" and key is None:
                key = ""  # the top object: look for the list among its values
            elif depth == 1 and event == "map_key":
                key = value
            elif depth == 2 and event == "start_array" and _wanted(key, sections, lists_taken):
                list_depth, lists_taken = 2, lists_taken + 1
            elif depth == 0 and event not in _CLOSE:
                raise _not_a_list(name, gettext_noop("it is a single value, not a list"))
    except ijson.JSONError as exc:
        raise BrokenJson(NOT_JSON, name=name) from exc
    except UnicodeDecodeError as exc:
        raise BrokenJson(NOT_JSON, name=name) from exc
    if sections is None and not lists_taken:
        raise _not_a_list(name, gettext_noop("it holds no list"))


def _wanted(key: str | None, sections: tuple[str, ...] | None, lists_taken: int) -> bool:
    if sections is None:
        return lists_taken == 0  # some versions wrap the list in an object: take the first
    return key in sections


def _not_a_list(name: str, why: str) -> NotAPostsList:
    return NotAPostsList(
        gettext_noop("%(name)s is not an Instagram posts list: %(why)s"),
        name=name,
        why=Deferred(why),
    )
