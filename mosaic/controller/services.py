"""P27: if the service changes hands, every user is told, and the site says so.

``announce_change_of_control`` writes one notice (``policy.notices``: batches through the task
queue, a cursor moved with each batch, nobody mailed twice) and the public record of the
change. Announcing the same change again resumes its notice where it stopped.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mosaic.accounts.models import User
from mosaic.controller.models import ControllerChange
from mosaic.policy.notices import create_notice, send_batch
from mosaic.staff.roles import LEGAL
from mosaic.staff.services import record_action

#: How long after the change takes effect every page keeps the banner.
BANNER_DAYS = 90


def announce_change_of_control(
    *,
    operator: User,
    new_controller: str,
    effective_on: dt.date,
    what_changes: str,
    contact: str = "",
) -> tuple[ControllerChange, bool]:
    """P27: publish the change and queue its email to every user; ``created`` is False when
    this same announcement was made before (its notice resumes)."""
    new_controller, what_changes, contact = (
        new_controller.strip(),
        what_changes.strip(),
        contact.strip(),
    )
    if not new_controller or not what_changes:
        raise ValueError("name the new controller and say what changes")
    context = {
        "new_controller": new_controller,
        "effective_on": effective_on,
        "what_changes": what_changes,
        "contact": contact,
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("controller/notice_subject.txt", context).strip()
        body = render_to_string("controller/notice_body.txt", context).strip()
    with transaction.atomic():
        notice, created = create_notice(subject=subject, body=body)
        record_action(
            actor=operator,
            role=LEGAL,
            action="announce change of control" if created else "resume change of control",
            target=f"notice:{notice.pk}",
            reason=f"the service passes to {new_controller} on {effective_on:%Y-%m-%d}",
        )
        change, _ = ControllerChange.objects.get_or_create(
            notice=notice,
            defaults={
                "new_controller": new_controller,
                "contact": contact,
                "effective_on": effective_on,
                "what_changes": what_changes,
                "announced_at": timezone.now(),
            },
        )
    return change, created


def send_remaining(change: ControllerChange) -> int:
    """Send the rest of the notice now, batch by batch (each committed on its own, so an
    interruption loses nothing and the next run continues); returns how many were written."""
    written = 0
    notice = change.notice
    while notice.finished_at is None:
        result = send_batch(notice=notice)
        written += result.written
        notice.refresh_from_db()
        if not result.more:
            break
    return written


def banner(today: dt.date | None = None) -> ControllerChange | None:
    """The change every page mentions: announced, and not more than BANNER_DAYS past."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=BANNER_DAYS)
    return ControllerChange.objects.filter(effective_on__gte=since).first()
