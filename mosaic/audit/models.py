from __future__ import annotations

from django.db import models


class AuditRun(models.Model):
    """One run of the self-audit: for each promise id checked, its breaches (empty if kept)."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField()
    results = models.JSONField(help_text='{"P08": [], "P03": ["2 session IP addresses ..."]}')
    breached = models.PositiveSmallIntegerField(help_text="How many promises were breached.")

    def __str__(self) -> str:
        return f"audit {self.started_at:%Y-%m-%d %H:%M}: {self.breached} breached"

    @property
    def ok(self) -> bool:
        return self.breached == 0


class AuditCursor(models.Model):
    """Where a rolling check stopped (``mosaic.audit.rolling``): the next run goes on from the
    row after ``position``, so every row is checked again within a bounded number of runs."""

    name = models.CharField(max_length=100, unique=True)
    position = models.BigIntegerField(default=0, help_text="The last primary key checked.")
    rounds = models.PositiveIntegerField(default=0, help_text="Whole passes over the table.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"
