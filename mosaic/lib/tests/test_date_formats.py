"""Dates read the way each language writes them (mosaic/formats): templates name a format,
so English and Russian each get their own order, case and punctuation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

MOMENT = dt.datetime(2026, 12, 1, 5, 13, tzinfo=dt.UTC)
SHOWN = Template(
    '{{ t|date:"DATE_FORMAT" }} | {{ t|date:"DATETIME_FORMAT" }} | '
    '{{ t|date:"SHORT_DATE_FORMAT" }} | {{ t|date:"MONTH_DAY_FORMAT" }}'
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 December 2026 | 1 December 2026, 05:13 | 1 Dec 2026 | 1 December"),
        # the month in the genitive, and no abbreviated "year" to double a full stop
        ("ru", "1 декабря 2026 | 1 декабря 2026, 05:13 | 01.12.2026 | 1 декабря"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, expected):
    with translation.override(language):
        assert SHOWN.render(Context({"t": MOMENT})) == expected


def test_no_template_spells_out_a_date_format_a_language_would_write_differently():
    """``|date:"j F Y"`` gave Russian readers "1 Декабрь 2026" (the nominative)."""
    spelled = re.compile(r'\|date:"[^"A-Z_]*[FMEjnbNA][^"]*"')
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in [*root.rglob("*.html"), *root.rglob("*.txt")]
        if "/static/" not in str(path)
        for match in spelled.finditer(path.read_text(errors="replace"))
    ]
    assert offenders == []
