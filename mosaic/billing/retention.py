"""P09: how long an invoice outlives its account, by the buyer's country."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def years_for(country: str) -> int:
    return int(
        settings.BILLING_RETENTION_YEARS_BY_COUNTRY.get(
            country.upper(), settings.BILLING_RETENTION_YEARS
        )
    )


def keep_until(*, country: str, ended_at: dt.datetime) -> dt.datetime:
    """``ended_at`` plus the country's years (29 February becomes 28 February)."""
    years = years_for(country)
    try:
        return ended_at.replace(year=ended_at.year + years)
    except ValueError:
        return ended_at.replace(year=ended_at.year + years, day=28)
