"""Russian dates: "1 декабря 2026", the month in the genitive, without the abbreviated "year"
Django's own format ends with (it doubled a sentence's full stop). Short forms stay Django's
("01.12.2026")."""

from __future__ import annotations

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"
