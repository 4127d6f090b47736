"""English dates as the rest of Mosaic writes them: "1 December 2026, 05:13".

Django's own English formats ("Dec. 1, 2026, 5:13 a.m.") disagreed with the dates the panel
writes explicitly (``|date:"j F Y"``), so one page could show both. Only display formats are
set here: input formats stay Django's (``get_format`` falls back to them).
"""

from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
