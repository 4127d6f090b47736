"""English dates as Mosaic writes them: "1 December 2026", "1 December 2026, 05:13", and
"1 Dec 2026" where space is short.

Templates name a format (``|date:"DATE_FORMAT"``, ``"SHORT_DATE_FORMAT"``...) rather than
spelling one, so each language writes its own way (``mosaic/formats/ru``: "1 декабря 2026",
the month in the genitive). Django's own English ("Dec. 1, 2026, 5:13 a.m.") differed from
the panel's explicit dates on one page. Only display formats are set here: input formats stay
Django's (``get_format`` falls back to them).
"""

from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
