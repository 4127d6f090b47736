from __future__ import annotations

import datetime as dt

from django.db import models


class TransparencyReport(models.Model):
    """P26: the published figures of one half-year, frozen when published so that history
    never changes under a reader (a request decided later counts in the period it was received,
    as it stood at publishing). Counts only: nobody is named."""

    period_start = models.DateField(unique=True)
    period_end = models.DateField()
    published_at = models.DateTimeField()
    figures = models.JSONField(help_text="Counts only, as published.")

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return self.slug

    @property
    def slug(self) -> str:
        """``2026-h1``: the period's address."""
        return f"{self.period_start.year}-h{1 if self.period_start.month == 1 else 2}"

    @property
    def period_end_inclusive(self) -> dt.date:
        return self.period_end - dt.timedelta(days=1)
