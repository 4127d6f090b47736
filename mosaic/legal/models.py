from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalRequest(models.Model):
    """P15: data is disclosed to an authority only against a request recorded here.

    ``accounts`` names the accounts concerned as the authority named them (usernames or email
    addresses, one a line); a disclosure must name one of them. ``kind``, ``country``,
    ``decision`` and ``accounts_count`` are what the transparency report counts (P26).
    """

    class Kind(models.TextChoices):
        PRODUCTION_ORDER = "production", _("production order or subpoena")
        COURT_ORDER = "court-order", _("court order")
        SEARCH_WARRANT = "warrant", _("search warrant")
        EMERGENCY = "emergency", _("emergency request")
        PRESERVATION = "preservation", _("preservation request")
        OTHER = "other", _("other request")

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        DISCLOSED = "disclosed", _("complied with")
        PARTLY = "partly", _("partly complied with")
        REFUSED = "refused", _("refused")

    authority = models.CharField(_("authority"), max_length=200)
    reference = models.CharField(_("their reference"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country"), max_length=2, default="", blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"))
    scope = models.TextField(_("what it asks for"), max_length=4000)
    period_start = models.DateField(_("data from"), null=True, blank=True)
    period_end = models.DateField(_("data until"), null=True, blank=True)
    accounts = models.TextField(_("accounts concerned"), max_length=4000, blank=True)
    accounts_count = models.PositiveIntegerField(default=0)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("grounds for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    delete_after = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.authority} {self.reference}"

    @property
    def account_identifiers(self) -> list[str]:
        return identifiers_in(self.accounts)

    @property
    def allows_disclosure(self) -> bool:
        return self.decision in (self.Decision.DISCLOSED, self.Decision.PARTLY)


def identifiers_in(text: str) -> list[str]:
    """The account identifiers of a list typed one a line (or comma-separated), lower-cased,
    each once, in order."""
    seen: dict[str, None] = {}
    for line in text.replace(",", "\n").splitlines():
        if line.strip():
            seen.setdefault(line.strip().lower(), None)
    return list(seen)


class Disclosure(models.Model):
    """P15: one disclosure made against a legal request: a sealed archive opened or an account's
    data exported. Counted by the transparency report (P26); who did it is in the audit log."""

    class Kind(models.TextChoices):
        SEALED_ARCHIVE = "sealed-archive", _("sealed archive opened")
        ACCOUNT_DATA = "account-data", _("account data exported")

    legal_request = models.ForeignKey(
        LegalRequest, on_delete=models.CASCADE, related_name="disclosures"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    target = models.CharField(max_length=120, help_text="What was disclosed, e.g. archive:12.")

    def __str__(self) -> str:
        return f"{self.kind} {self.target} under {self.legal_request_id}"
