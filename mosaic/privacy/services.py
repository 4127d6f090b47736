"""Account deletion with quarantine (P08), restore, and final erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.organizations import rights
from mosaic.privacy.archives import seal_accounts
from mosaic.privacy.registry import categories
from mosaic.privacy.sweeps import not_held


def end_all_sessions(*, user: User) -> int:
    """Sign the user out everywhere: through the session engine, so cached copies go too."""
    records = list(UserSession.objects.filter(user=user))
    for record in records:
        record.end()
    return len(records)


def request_account_deletion(*, user: User, now: dt.datetime | None = None) -> dt.datetime:
    """P08: take the account offline at once and schedule its erasure after the quarantine.

    1. The erasure date is fixed now (``PRIVACY_QUARANTINE_DAYS`` ahead), so a later change of
       the setting never moves a date already promised in a receipt.
    2. Every session ends; each category takes its own data offline (sites answer 410,
       connections are revoked) through ``Category.quarantine``.
    3. A receipt with the date of final deletion is written with it, sent after commit.
    """
    from mosaic.privacy.emails import send_deletion_receipt

    rights.check(user, rights.DELETING)  # C8: the organization forbids deleting content
    now = now or timezone.now()
    when = now + dt.timedelta(days=settings.PRIVACY_QUARANTINE_DAYS)
    with transaction.atomic():
        claimed = User.objects.filter(pk=user.pk, scheduled_deletion_at__isnull=True).update(
            scheduled_deletion_at=when
        )
        if not claimed:  # asked twice: keep the first date
            user.refresh_from_db(fields=["scheduled_deletion_at"])
            assert user.scheduled_deletion_at is not None
            return user.scheduled_deletion_at
        user.scheduled_deletion_at = when
        for category in categories():
            category.quarantine(user)
        end_all_sessions(user=user)
        send_deletion_receipt(user=user)
    return when


def restore_account(*, user: User) -> bool:
    """P08: undo a deletion request during the quarantine. Returns False if nothing to undo."""
    with transaction.atomic():
        restored = User.objects.filter(pk=user.pk, scheduled_deletion_at__gt=timezone.now()).update(
            scheduled_deletion_at=None
        )
        if restored:
            user.scheduled_deletion_at = None
            for category in categories():
                category.restore(user)
    return bool(restored)


def erase_account(*, user: User, now: dt.datetime | None = None) -> int:
    """P08, P09: seal the profile and login data, then erase every category, the account last.
    Returns rows affected (0 for a held account, see ``erase_accounts``)."""
    return erase_accounts(users=[user], now=now)[1]


def erase_accounts(*, users: Sequence[User], now: dt.datetime | None = None) -> tuple[int, int]:
    """P08, P09: erase a batch of accounts together, in one transaction: seal each one's profile
    and login data, then erase category by category for the whole batch (a few queries per
    category, whatever the batch size), the accounts last. Returns (accounts, rows) erased.

    P10: an account under a legal hold, or blocked less than ``PRIVACY_BLOCK_KEEP_DAYS`` ago,
    is left whole, whoever asks: the sweeps skip it already, and this check, taken under a lock
    on the account rows, also covers a hold placed a moment ago and any other caller.
    """
    ids = [user.pk for user in users]
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction:  # a caller's transaction keeps its own durability
            _commit_without_waiting_for_the_disk()
        locked = User.objects.select_for_update().filter(pk__any=ids)
        free = set(not_held(locked, user_field="pk", now=now).values_list("pk", flat=True))
        batch = [user for user in users if user.pk in free]
        if not batch:
            return 0, 0
        seal_accounts(users=batch, now=now)
        return len(batch), sum(category.erase_all(batch) for category in categories())


def _commit_without_waiting_for_the_disk() -> None:
    """On PostgreSQL, this transaction's commit does not wait for its WAL to reach the disk
    (``synchronous_commit`` off, for this transaction only): the wait was a fifth of erasing a
    batch. It stays atomic; a crash in the next fraction of a second can only undo the whole
    batch, whose accounts are then still due and erased again by the next sweep, sealed archive
    included: never half an erasure. (Files deleted after the commit belong to rows that the
    next sweep deletes anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
