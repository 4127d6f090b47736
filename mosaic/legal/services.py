"""Legal requests (P15): recorded before anything is disclosed, decided with stated grounds,
and the one authority for every disclosure.

Each workflow is an operator action: it checks the role and writes its audit entry
(``staff.services.record_action``, P25) in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.legal.models import Disclosure, LegalRequest, identifiers_in
from mosaic.staff.roles import LEGAL
from mosaic.staff.services import record_action


class NoLegalBasis(Exception):
    """P15: a disclosure was asked for without a recorded request that allows it."""


def record_legal_request(
    *,
    operator: User,
    authority: str,
    reference: str,
    received_on: dt.date,
    scope: str,
    decision: str,
    reason: str,
    kind: str = LegalRequest.Kind.OTHER,
    country: str = "",
    legal_basis: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    accounts: str = "",
) -> LegalRequest:
    """P15: record a request from an authority, before anything is disclosed for it.

    ``reason`` is the grounds for ``decision``; it goes to the audit entry and, once the
    request is decided, stays on the record as the grounds (a refusal states why).
    """
    now = timezone.now()
    identifiers = identifiers_in(accounts)
    decided = decision != LegalRequest.Decision.PENDING
    with transaction.atomic():
        legal_request = LegalRequest.objects.create(
            authority=authority.strip(),
            reference=reference.strip(),
            kind=kind,
            country=country.strip().upper(),
            legal_basis=legal_basis.strip(),
            received_on=received_on,
            scope=scope.strip(),
            period_start=period_start,
            period_end=period_end,
            accounts="\n".join(identifiers),
            accounts_count=len(identifiers),
            decision=decision,
            decision_reason=reason.strip() if decided else "",
            decided_at=now if decided else None,
            recorded_at=now,
            recorded_by=operator,
            delete_after=now + dt.timedelta(days=settings.PRIVACY_LEGAL_RECORD_DAYS),
        )
        record_action(
            actor=operator,
            role=LEGAL,
            action="record legal request",
            target=f"legal-request:{legal_request.pk}",
            reason=reason,
            case_reference=legal_request.reference,
        )
    return legal_request


def decide_legal_request(
    *, operator: User, legal_request: LegalRequest, decision: str, reason: str
) -> bool:
    """P15: comply with or refuse a pending request, with the grounds; False when it was
    already decided (a decision is not rewritten, so the report never changes under it)."""
    if decision == LegalRequest.Decision.PENDING:
        raise ValueError("a decision is complied, partly complied or refused")
    now = timezone.now()
    with transaction.atomic():
        record_action(
            actor=operator,
            role=LEGAL,
            action=f"decide legal request: {decision}",
            target=f"legal-request:{legal_request.pk}",
            reason=reason,
            case_reference=legal_request.reference,
        )
        decided = LegalRequest.objects.filter(
            pk=legal_request.pk, decision=LegalRequest.Decision.PENDING
        ).update(decision=decision, decision_reason=reason.strip(), decided_at=now)
        if not decided:
            transaction.set_rollback(True)  # no entry for nothing done
            return False
    legal_request.decision = decision
    legal_request.decision_reason = reason.strip()
    legal_request.decided_at = now
    return True


def disclosure_basis(*, request_id: int | str, names: list[str]) -> LegalRequest:
    """P15: the recorded request a disclosure about the account known by ``names`` (its
    username and email addresses, or the identifier an erased account's archive was found
    by) is made against; ``NoLegalBasis`` when there is none that allows it."""
    try:
        legal_request = LegalRequest.objects.get(pk=int(request_id))
    except (LegalRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise NoLegalBasis(f"no recorded legal request {request_id!r}") from exc
    if not legal_request.allows_disclosure:
        state = legal_request.get_decision_display()
        raise NoLegalBasis(f"legal request {legal_request.pk} is {state}: nothing may be disclosed")
    wanted = {name.strip().lower() for name in names if name.strip()}
    if not wanted & set(legal_request.account_identifiers):
        raise NoLegalBasis(f"legal request {legal_request.pk} does not name this account")
    return legal_request


def record_disclosure(
    *,
    operator: User,
    role: str,
    legal_request: LegalRequest,
    kind: str,
    target: str,
    reason: str,
    subject: User | None = None,
) -> Disclosure:
    """P15, P25: the audit entry and the disclosure record, written before the data leaves.
    Call it inside the transaction of the disclosure."""
    record_action(
        actor=operator,
        role=role,
        action=f"disclose {kind} under legal request",
        target=target,
        reason=f"legal request {legal_request.pk}: {reason}",
        case_reference=legal_request.reference,
        subject=subject,
    )
    return Disclosure.objects.create(
        legal_request=legal_request, kind=kind, at=timezone.now(), target=target
    )
