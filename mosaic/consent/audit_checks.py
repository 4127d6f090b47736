"""Self-audit checks for consent, the newsletter and promotional mail (P17, P23, P29)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from mosaic.audit import rolling
from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.consent.models import Consent, NewsletterSubscriber
from mosaic.mail.models import Delivery


def _count(count: int, what: str) -> list[str]:
    return [f"{count} {what}"] if count else []


@audit_check("P17")
def no_unconfirmed_newsletter_address_past_its_period(now: dt.datetime) -> list[str]:
    cutoff = now - dt.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS) - SWEEP_GRACE
    late = NewsletterSubscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    return _count(late.count(), "unconfirmed newsletter addresses past their period")


@audit_check("P23")
def every_consent_is_recorded_whole(now: dt.datetime) -> list[str]:
    """P23: a standing consent names the policy version it was given under; a withdrawn one
    is kept as proof only for PRIVACY_CONSENT_PROOF_DAYS."""
    unversioned = Consent.objects.filter(withdrawn_at__isnull=True, policy_version__isnull=True)
    cutoff = now - dt.timedelta(days=settings.PRIVACY_CONSENT_PROOF_DAYS) - SWEEP_GRACE
    late = Consent.objects.filter(withdrawn_at__lt=cutoff)
    return _count(unversioned.count(), "standing consents without their policy version") + _count(
        late.count(), "withdrawn consents kept past their proof period"
    )


@audit_check("P29")
def promotional_mail_is_wanted_and_stoppable(now: dt.datetime) -> list[str]:
    """P29, P08: promotional mail carries one-click unsubscribe (a rolling window of the
    deliveries per run: ``mosaic.audit.rolling``), and none waits for an account in
    quarantine."""
    promotional = Delivery.objects.filter(kind=Delivery.Kind.PROMOTIONAL)
    with rolling.window("P29-deliveries", Delivery) as rows:
        live = promotional.filter(rows.q).exclude(status=Delivery.Status.CANCELLED)
        without = sum(
            1
            for headers in live.values_list("headers", flat=True).iterator()
            if "List-Unsubscribe" not in (headers or {})
        )
    waiting = promotional.filter(  # the due-mail index: only mail not sent yet
        status__in=(Delivery.Status.QUEUED, Delivery.Status.SENDING),
        user__scheduled_deletion_at__isnull=False,
    ).count()
    return _count(without, "promotional messages without one-click unsubscribe") + _count(
        waiting, "promotional messages waiting for accounts in quarantine"
    )
