"""Delivery records as personal data: the address a message went to, and when (P01, P29)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.mail.models import Delivery
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, sweep


def _mine(*users: User) -> QuerySet[Delivery]:
    ids = [user.pk for user in users]
    addresses = set(EmailAddress.objects.filter(user__any=ids).values_list("email", flat=True))
    addresses |= {user.email for user in users if user.email}
    return Delivery.objects.filter(user__any=ids) | Delivery.objects.filter(to__in=addresses)


@register
class EmailDeliveries(Category):
    key = "email-deliveries"
    title = _("Emails we sent you")
    description = _(
        "For each email we sent you: the address, its subject, when it was sent and whether"
        " your mail server accepted it. The text itself is deleted as soon as it is sent."
    )
    purpose = _(
        "To make sure service emails (security alerts, warnings, receipts) reach you, retrying"
        " when a mail server is busy, and to act only on warnings that did reach you."
    )
    legal_basis = _("Contract: the service emails are part of the service.")
    holdings = (
        Holding(
            "mail.Delivery", ("to", "user", "subject", "text", "html", "headers", "attachments")
        ),
    )

    def retention(self) -> Text:
        return _("%(days)s days after the email was written, then deleted.") % {
            "days": settings.MAIL_DELIVERY_DAYS
        }

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "to": item.to,
                "subject": item.subject,
                "kind": item.kind,
                "written_at": item.created_at.isoformat(),
                "status": item.status,
                "sent_at": item.sent_at.isoformat() if item.sent_at else None,
            }
            for item in _mine(user).order_by("created_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        return _mine(*users).delete()[0]


exempt(
    "mail.Delivery",
    ("template", "message_id", "last_error"),
    reason=(
        "Which template, a random Message-ID, and the failure's exception name and SMTP code"
        " (never its text, which may quote the address)."
    ),
)


@sweep(
    name="mail.deliveries",
    promise="P01",
    help=(
        "Deletes email delivery records (address, subject, outcome) MAIL_DELIVERY_DAYS after"
        " the email was written; their text was already emptied when they were sent."
    ),
)
def delete_old_deliveries(now: dt.datetime, dry_run: bool) -> int:
    cutoff = now - dt.timedelta(days=settings.MAIL_DELIVERY_DAYS)
    old = Delivery.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    return delete_due(old, dry_run=dry_run)
