from __future__ import annotations

from django.db import models


class ControllerChange(models.Model):
    """P27: Mosaic changes hands. The announcement is public (``/change-of-control/`` and a
    banner on every page) and goes to every user by email through ``notice`` (resumable,
    ``policy.notices``); it is never edited, so what users were told stays on record."""

    new_controller = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, blank=True)
    effective_on = models.DateField()
    what_changes = models.TextField(max_length=4000)
    announced_at = models.DateTimeField()
    notice = models.OneToOneField(
        "policy.Notice", on_delete=models.PROTECT, related_name="controller_change"
    )

    class Meta:
        ordering = ["-announced_at"]

    def __str__(self) -> str:
        return f"{self.new_controller} from {self.effective_on}"
