"""Russian is complete: every string marked for translation in a template or in Python code has a
Russian translation that Django actually loads, and no text meant for people shows a promise id.

The strings are collected the way ``make messages`` collects them (Django's ``makemessages``, run
on a copy of ``mosaic/`` so the working tree is never touched); a string counts as translated when
the Russian catalogue Django builds at run time (every app's compiled ``.mo``, allauth's and
Django's own included) holds it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.utils.translation import trans_real

MOSAIC = Path(settings.BASE_DIR) / "mosaic"
EXTENSIONS = ["html", "txt", "py", "xml"]
PROMISE_ID = re.compile(r"\(P\d\d\)|\bP\d\d\b")

EXTRACT = """
import sys
import django
from django.conf import settings
settings.configure(LOCALE_PATHS=[sys.argv[1]], USE_I18N=True)
django.setup()
from django.core.management import call_command
call_command("makemessages", locale=["ru"], no_obsolete=True, verbosity=0, extensions=sys.argv[2:])
"""


@pytest.fixture(scope="module")
def marked_strings(tmp_path_factory) -> list[polib.POEntry]:
    """Every string marked for translation in ``mosaic/`` (tests aside), with where it is."""
    copy = tmp_path_factory.mktemp("messages")
    shutil.copytree(
        MOSAIC,
        copy / "mosaic",
        ignore=shutil.ignore_patterns("*.mo", "__pycache__", "tests", "static", "migrations"),
    )
    locale = copy / "mosaic" / "locale"
    subprocess.run([sys.executable, "-c", EXTRACT, str(locale), *EXTENSIONS], cwd=copy, check=True)
    entries = []
    for catalogue in sorted(copy.rglob("ru/LC_MESSAGES/django.po")):
        entries += [entry for entry in polib.pofile(str(catalogue)) if not entry.obsolete]
    return entries


def key_of(entry: polib.POEntry) -> str | tuple[str, int]:
    msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (msgid, 0) if entry.msgid_plural else msgid


def where(entry: polib.POEntry) -> str:
    return ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])


def test_the_extraction_finds_the_panels_strings(marked_strings):
    """The collection itself works: strings known to be marked are in it."""
    msgids = {entry.msgid for entry in marked_strings}
    assert {"Your sites", "Skip to content", "Publish"} <= msgids
    assert len(msgids) > 500


def test_every_marked_string_has_a_russian_translation(marked_strings):
    catalogue = trans_real.translation("ru")._catalog  # type: ignore[attr-defined]
    missing = sorted(
        f"{entry.msgid!r} ({where(entry)})"
        for entry in marked_strings
        if key_of(entry) not in catalogue
    )
    assert missing == [], f"{len(missing)} strings without Russian:\n" + "\n".join(missing)


def test_no_text_for_people_shows_a_promise_id(marked_strings):
    """Promise ids (P05) belong in code and tests, not in what people read."""
    shown = sorted(
        f"{entry.msgid!r} ({where(entry)})"
        for entry in marked_strings
        if PROMISE_ID.search(entry.msgid + (entry.msgid_plural or ""))
    )
    assert shown == [], "\n".join(shown)
