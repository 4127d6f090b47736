"""Legal holds and blocked accounts: what keeps data past its date (P10).

Legal requests themselves are recorded in ``mosaic.legal`` (P15); a hold may name one.

Every workflow here is an operator action: it checks the role and writes the audit entry
(``record_action``, P25) in the same transaction as the change, so there is no change without
its entry and no entry for a change that did not happen.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.legal.models import LegalRequest
from mosaic.privacy.models import AccountBlock, LegalHold, SealedArchive
from mosaic.privacy.services import end_all_sessions
from mosaic.privacy.sweeps import not_held
from mosaic.staff.roles import LEGAL, MODERATION
from mosaic.staff.services import record_action


class NothingToHold(Exception):
    """No account and no sealed archive answers to the identifier given."""


def find_account(identifier: str) -> User | None:
    """The account with this username or (any of its) email addresses, case-insensitively."""
    identifier = identifier.strip()
    if not identifier:
        return None
    by_address = EmailAddress.objects.filter(email__iexact=identifier).values("user_id")
    return (
        User.objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier) | Q(pk__in=by_address)
        )
        .order_by("pk")
        .first()
    )


def is_held(user: User, *, now: dt.datetime | None = None) -> bool:
    """P10: whether the account is under a legal hold or within its block's keeping period."""
    return not not_held(User.objects.filter(pk=user.pk), user_field="pk", now=now).exists()


def place_hold(
    *,
    operator: User,
    identifier: str,
    case_reference: str,
    reason: str,
    legal_request: LegalRequest | None = None,
) -> list[LegalHold]:
    """P10: hold an account (by username or email), or the sealed archives of an erased one.

    Returns the holds placed; raises ``NothingToHold`` when nothing answers to the identifier.
    """
    from mosaic.privacy.archives import find_archives

    account = find_account(identifier)
    archives: list[SealedArchive] = [] if account else find_archives(identifier)
    if account is None and not archives:
        raise NothingToHold(identifier)
    now = timezone.now()
    targets: list[tuple[str, dict[str, object]]] = (
        [(f"account:{account.pk}", {"user": account})]
        if account
        else [(f"sealed-archive:{archive.pk}", {"archive": archive}) for archive in archives]
    )
    holds = []
    with transaction.atomic():
        for target, held in targets:
            record_action(
                actor=operator,
                role=LEGAL,
                action="place legal hold",
                target=target,
                reason=reason,
                case_reference=case_reference.strip(),
                subject=account,
            )
            holds.append(
                LegalHold.objects.create(
                    request=legal_request,
                    case_reference=case_reference.strip(),
                    reason=reason.strip(),
                    placed_at=now,
                    placed_by=operator,
                    **held,
                )
            )
    return holds


def lift_hold(*, operator: User, hold: LegalHold, reason: str) -> bool:
    """P10: lift a hold; the sweeps take the data at their next run if it is due by then."""
    now = timezone.now()
    with transaction.atomic():
        record_action(
            actor=operator,
            role=LEGAL,
            action="lift legal hold",
            target=f"hold:{hold.pk}",
            reason=reason,
            case_reference=hold.case_reference,
            subject=hold.user,
        )
        lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=operator, lift_reason=reason.strip()
        )
        if not lifted:
            transaction.set_rollback(True)  # already lifted: no entry for nothing done
    return bool(lifted)


def block_account(*, operator: User, user: User, reason: str) -> AccountBlock:
    """P10: block an account: it cannot sign in, every session ends, and its data is kept at
    least ``PRIVACY_BLOCK_KEEP_DAYS``, whatever deletion was or will be requested."""
    now = timezone.now()
    with transaction.atomic():
        record_action(
            actor=operator,
            role=MODERATION,
            action="block account",
            target=f"account:{user.pk}",
            reason=reason,
            subject=user,
        )
        block = AccountBlock.objects.create(
            user=user,
            reason=reason.strip(),
            blocked_at=now,
            blocked_by=operator,
            keep_until=now + dt.timedelta(days=settings.PRIVACY_BLOCK_KEEP_DAYS),
        )
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        end_all_sessions(user=user)
    return block


def unblock_account(*, operator: User, block: AccountBlock, reason: str) -> bool:
    """Lift a block. The account may sign in again once no other block stands; the data stays
    kept until the block's ``keep_until``."""
    now = timezone.now()
    with transaction.atomic():
        record_action(
            actor=operator,
            role=MODERATION,
            action="unblock account",
            target=f"account:{block.user_id}",
            reason=reason,
            subject=block.user,
        )
        lifted = AccountBlock.objects.filter(pk=block.pk, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=operator
        )
        if not lifted:
            transaction.set_rollback(True)
            return False
        still_blocked = AccountBlock.objects.filter(user_id=block.user_id, lifted_at__isnull=True)
        if not still_blocked.exists():
            User.objects.filter(pk=block.user_id).update(is_active=True)
    return True
