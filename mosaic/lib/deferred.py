"""Texts for people translated when they are read, not when they are made.

A photo refused on a batch thread, or a skipped item noted by an import task, is made where no
reader's language is active, and may be read much later (the import's list of skipped items)
by someone reading Russian. So the text is kept as its English message, marked for translation
with ``gettext_noop``, and its values; ``str()`` translates it in the language active at that
moment, and ``as_json``/``from_json`` carry it through a JSON column.

    Deferred(gettext_noop("%(name)s is empty"), {"name": "a.jpg"})

``gettext_noop`` here only marks a message for ``makemessages`` (which finds it by name), as
Django's does, but without touching Django's settings, so the photo pipeline still imports and
runs where Django is not set up.

A value may itself be a ``Deferred`` (a reason inside "<file>: <reason>"). Whole numbers of
100,000 and more are written with the reader's thousands separator (50,000,000; 50 000 000).

``DeferredError`` is an exception whose message a person reads (a refused photo, ZIP or
download): ``text`` is the ``Deferred``, ``str()`` the English for logs and tracebacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import formats, translation

GROUPED_FROM = 100_000


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; it is translated when read (``Deferred``)."""
    return message


@dataclass(frozen=True)
class Deferred:
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        values = {name: _shown(value) for name, value in self.params.items()}
        text = translation.gettext(self.message)
        return text % values if values else text

    def english(self) -> str:
        """The text in English, whatever language is active (logs, exception messages); also
        where Django is not set up (the photo pipeline run on its own), untranslated."""
        if not settings.configured:
            values = {
                name: value.english() if isinstance(value, Deferred) else value
                for name, value in self.params.items()
            }
            return self.message % values if values else self.message
        with translation.override("en"):
            return str(self)

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "params": {
                name: value.as_json() if isinstance(value, Deferred) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_json(cls, data: object) -> Deferred | str:
        """A stored text back: a ``Deferred`` from ``as_json``, or a plain string as it is (rows
        written before texts were deferred, shown as they were stored)."""
        if not isinstance(data, dict) or not isinstance(data.get("message"), str):
            return str(data)
        params = data.get("params")
        if not isinstance(params, dict):
            params = {}
        return cls(
            data["message"],
            {
                name: cls.from_json(value) if isinstance(value, dict) else value
                for name, value in params.items()
            },
        )


class DeferredError(Exception):
    """An error a person is told about, in their language when they read it (``text``);
    ``str()`` is English. ``message`` is marked with ``gettext_noop`` and takes ``params`` as
    ``%(name)s``; a ``Deferred`` passes on another error's text (``raise A(b.text) from b``)."""

    def __init__(self, message: str | Deferred, **params: object) -> None:
        self.text = message if isinstance(message, Deferred) else Deferred(message, params)
        super().__init__(self.text.message)

    def __str__(self) -> str:
        return self.text.english()


def _shown(value: object) -> object:
    if isinstance(value, Deferred):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= GROUPED_FROM:
        return formats.number_format(value, force_grouping=True)
    return value


def text_of(stored: object) -> str:
    """What a stored text (``Deferred.as_json()`` or a plain string) says in the active
    language."""
    return str(Deferred.from_json(stored))
