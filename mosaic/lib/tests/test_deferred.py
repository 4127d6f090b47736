"""Texts kept as message and values, translated when read (``mosaic.lib.deferred``)."""

from __future__ import annotations

import json

from django.utils import translation

from mosaic.lib.deferred import Deferred, text_of

TOO_LARGE = "the image is too large to process (over %(limit)s pixels)"


def test_it_is_translated_when_read_with_the_readers_thousands_separator():
    text = Deferred(TOO_LARGE, {"limit": 50_000_000})
    with translation.override("en"):
        assert str(text) == "the image is too large to process (over 50,000,000 pixels)"
    with translation.override("ru"):
        assert str(text) == (
            "изображение слишком велико для обработки (больше 50\xa0000\xa0000 пикселей)"
        )
        assert text.english() == "the image is too large to process (over 50,000,000 pixels)"


def test_it_survives_a_json_column_with_a_reason_inside_a_reason():
    inner = Deferred("the file is empty")
    stored = json.loads(
        json.dumps(Deferred("%(name)s: %(reason)s", {"name": "a.jpg", "reason": inner}).as_json())
    )
    with translation.override("ru"):
        assert text_of(stored) == "a.jpg: файл пуст"
    with translation.override("en"):
        assert text_of(stored) == "a.jpg: the file is empty"


def test_a_plain_stored_string_shows_as_it_was_written():
    assert text_of("old.jpg: the file is empty") == "old.jpg: the file is empty"
    assert Deferred.from_json({"no": "message"}) == "{'no': 'message'}"


def test_the_english_text_needs_no_django_settings():
    """The photo pipeline runs without Django set up (a script, the batch pool's threads)."""
    import subprocess
    import sys

    code = (
        "from mosaic.photos import imaging\n"
        "try:\n"
        "    imaging.render(b'GIF89a' + bytes(40), widths=(320,))\n"
        "except imaging.PhotoRejected as exc:\n"
        "    print(exc)\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == (
        "GIF files are not accepted: send a JPEG, PNG, WebP or HEIC photo"
    )
