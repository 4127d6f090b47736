"""``identity_changed``: a person's public identity (display name, initials, avatar) changed.

Sent once the change is committed, with ``user_ids`` (a tuple: one signal for a whole batch, so
erasing 1,000 accounts asks the listeners once, not 1,000 times): when the display name or the
username it falls back to changes, when the avatar is set, replaced or removed, and when a
profile is erased. Apps that show people (comments) listen to rebuild the pages showing those
people (P22).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.dispatch import Signal

identity_changed = Signal()


def send_identity_changed(user_ids: Iterable[int]) -> None:
    """Send ``identity_changed`` once for all of ``user_ids`` when the transaction commits (at
    once outside one): a rolled-back change announces nothing."""
    ids = tuple(sorted(set(user_ids)))
    if ids:
        transaction.on_commit(partial(_send, ids), robust=True)


def _send(user_ids: tuple[int, ...]) -> None:
    from mosaic.profiles.models import Profile

    identity_changed.send_robust(sender=Profile, user_ids=user_ids)
