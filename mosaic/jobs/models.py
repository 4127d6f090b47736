from __future__ import annotations

from django.db import models


class Schedule(models.Model):
    """When a periodic job (see `registry`) is next due; one row per job name.

    Schedulers claim a due run by moving `next_run_at` forward with a conditional UPDATE, so two
    schedulers running at once never both enqueue the same run.
    """

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_run_at"], name="jobs_schedule_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} (next run {self.next_run_at:%Y-%m-%d %H:%M:%S} UTC)"
