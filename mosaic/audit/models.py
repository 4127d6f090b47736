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
