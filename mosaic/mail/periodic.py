from __future__ import annotations

from datetime import timedelta

from mosaic.jobs.registry import periodic
from mosaic.mail.services import hand_due


@periodic(name="mail.send_due", every=timedelta(minutes=1))
def send_due_mail() -> int:
    """Hand the task queue every email that is due and not waiting in it (retries, lost tasks,
    workers that died mid-send); returns how many."""
    return hand_due()
