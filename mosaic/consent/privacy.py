"""Consent records and newsletter addresses as personal data (P17, P23)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.consent.mailing import address_hash
from mosaic.consent.models import Consent, NewsletterSubscriber
from mosaic.mail import services as mail
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, sweep


def _addresses(*users: User) -> list[str]:
    ids = [user.pk for user in users]
    emails = set(EmailAddress.objects.filter(user__any=ids).values_list("email", flat=True))
    return sorted(emails | {user.email for user in users if user.email})


@register
class ConsentData(Category):
    key = "consents"
    title = _("Your consents")
    description = _(
        "What you agreed to (such as promotional email or the newsletter), under which version"
        " of this policy, when, and when you withdrew."
    )
    purpose = _("To act only on what you agreed to, and to prove it.")
    legal_basis = _("Legal obligation: consent must be demonstrable.")
    holdings = (Holding("consent.Consent", ("user", "subject_hash")),)

    def retention(self) -> Text:
        return _(
            "While the consent stands; after you withdraw it, %(days)s days as proof, then"
            " deleted. All of it goes with your account."
        ) % {"days": settings.PRIVACY_CONSENT_PROOF_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        hashes = [address_hash(email) for email in _addresses(user)]
        mine = Consent.objects.filter(user=user) | Consent.objects.filter(subject_hash__in=hashes)
        return [
            {
                "purpose": item.purpose,
                "given_at": item.given_at.isoformat(),
                "given_via": item.given_via,
                "policy_version": item.policy_version.number if item.policy_version else None,
                "withdrawn_at": item.withdrawn_at.isoformat() if item.withdrawn_at else None,
            }
            for item in mine.select_related("policy_version").order_by("given_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The accounts' consents, and those given for their addresses without an account (the
        newsletter's): erasure withdraws them all (P17, P23)."""
        ids = [user.pk for user in users]
        hashes = [address_hash(email) for email in _addresses(*users)]
        mine = Consent.objects.filter(user__any=ids) | Consent.objects.filter(
            subject_hash__in=hashes
        )
        deleted, _by_model = mine.delete()
        return deleted

    def quarantine(self, user: User) -> None:
        """P08, P29: no promotional mail reaches an account in quarantine; what waits is
        cancelled now (``mail.services.send`` refuses new ones)."""
        mail.cancel(user=user)
        for email in _addresses(user):
            mail.cancel(to=email)


@register
class NewsletterData(Category):
    key = "newsletter"
    title = _("Newsletter")
    description = _(
        "The email address you subscribed to the newsletter with; after you unsubscribe, only a"
        " keyed hash of it, so it is not mailed again."
    )
    purpose = _("To send the newsletter you asked for, and never after you unsubscribe.")
    legal_basis = _("Consent, given by confirming the address.")
    holdings = (
        Holding("consent.NewsletterSubscriber", ("email", "email_hash")),
        Holding("consent.Suppression", ("email_hash",)),
    )

    def retention(self) -> Text:
        return _(
            "Until you unsubscribe; an unconfirmed address is deleted after %(days)s days."
        ) % {"days": settings.NEWSLETTER_CONFIRM_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "email": item.email,
                "subscribed_at": item.created_at.isoformat(),
                "confirmed_at": item.confirmed_at.isoformat() if item.confirmed_at else None,
            }
            for item in NewsletterSubscriber.objects.filter(email__in=_addresses(user))
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The accounts' addresses leave the newsletter with them (no suppression is needed:
        nothing is sent to an address that is not subscribed)."""
        deleted, _by_model = NewsletterSubscriber.objects.filter(
            email__in=_addresses(*users)
        ).delete()
        return deleted


exempt(
    "consent.NewsletterIssue",
    ("subject", "body", "digest"),
    reason="The text of a mailing written by Mosaic's staff, the same for every recipient.",
)


@sweep(
    name="withdrawn-consents",
    promise="P23",
    help="Deletes consent records PRIVACY_CONSENT_PROOF_DAYS after they were withdrawn.",
)
def delete_old_withdrawn_consents(now: dt.datetime, dry_run: bool) -> int:
    cutoff = now - dt.timedelta(days=settings.PRIVACY_CONSENT_PROOF_DAYS)
    return delete_due(Consent.objects.filter(withdrawn_at__lte=cutoff), dry_run=dry_run)


@sweep(
    name="unconfirmed-newsletter",
    promise="P17",
    help="Deletes newsletter addresses not confirmed within NEWSLETTER_CONFIRM_DAYS.",
)
def delete_unconfirmed_subscribers(now: dt.datetime, dry_run: bool) -> int:
    cutoff = now - dt.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    pending = NewsletterSubscriber.objects.filter(confirmed_at__isnull=True, created_at__lte=cutoff)
    # An unconfirmed address belongs to no account: nobody has shown it is theirs, so no
    # legal hold can be about it (P10).
    return delete_due(pending, dry_run=dry_run, user_field=None)
