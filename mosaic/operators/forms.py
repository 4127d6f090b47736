"""Forms of the operator screens: every action states its reason (P25)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mosaic.legal.models import LegalRequest, identifiers_in
from mosaic.moderation.models import Ground, ModerationAction
from mosaic.privacy.holds import find_account
from mosaic.privacy.models import CorrectionRequest

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

REASON_HELP = _("Written to the audit log with your name.")


def reason_field(label: _StrPromise | None = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        max_length=2000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveCorrectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (CorrectionRequest.Status.CORRECTED, _("Corrected")),
            (CorrectionRequest.Status.DECLINED, _("Declined")),
        ],
        widget=forms.RadioSelect,
    )
    resolution = reason_field(_("Answer to the user"))


class LegalRequestForm(forms.Form):
    """P15: what a legal request is recorded with, before anything is disclosed for it."""

    authority = forms.CharField(label=_("Authority"), max_length=200)
    reference = forms.CharField(label=_("Their reference"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=LegalRequest.Kind.choices)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        help_text=_("Two-letter code of the authority's country, e.g. DE."),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.CharField(
        label=_("What it asks for"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    period_start = forms.DateField(
        label=_("Data from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Data until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    accounts = forms.CharField(
        label=_("Accounts concerned"),
        max_length=4000,
        help_text=_("Usernames or email addresses, one a line. A disclosure must name one."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=LegalRequest.Decision.choices)
    reason = reason_field(_("Grounds for the decision"))

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean_country(self) -> str:
        value: str = self.cleaned_data["country"].strip().upper()
        if not (len(value) == 2 and value.isascii() and value.isalpha()):
            raise forms.ValidationError(_("Use the two-letter country code, e.g. DE."))
        return value

    def clean_accounts(self) -> str:
        value: str = self.cleaned_data["accounts"]
        names = identifiers_in(value)
        if not names:
            raise forms.ValidationError(_("Name at least one account."))
        if len(names) > 200 or any(len(name) > 254 for name in names):
            raise forms.ValidationError(_("At most 200 accounts of up to 254 characters each."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class DecideLegalRequestForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in LegalRequest.Decision.choices if c[0] != LegalRequest.Decision.PENDING],
        widget=forms.RadioSelect,
    )
    reason = reason_field(_("Grounds for the decision"))


class PlaceHoldForm(forms.Form):
    identifier = forms.CharField(
        label=_("Account"),
        max_length=254,
        help_text=_("Username or email address; for an erased account, its sealed archive."),
    )
    case_reference = forms.CharField(label=_("Case reference"), max_length=80)
    legal_request = forms.ModelChoiceField(
        label=_("Legal request"),
        queryset=LegalRequest.objects.order_by("-received_on"),
        required=False,
    )
    reason = reason_field()


class AccountReasonForm(forms.Form):
    identifier = forms.CharField(
        label=_("Account"), max_length=254, help_text=_("Username or email address.")
    )
    reason = reason_field()


class ReasonForm(forms.Form):
    reason = reason_field()


class ArchiveLookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email address or username of the erased account"), max_length=254
    )
    case_reference = forms.CharField(label=_("Case reference"), max_length=80)
    reason = reason_field()


class AuditLogFilterForm(forms.Form):
    """P25: security's filter over the operator action log (every field optional)."""

    operator = forms.CharField(label=_("Operator"), max_length=150, required=False)
    account = forms.CharField(
        label=_("Account"),
        max_length=254,
        required=False,
        help_text=_("Username or email address of the account whose data was touched."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The period ends before it starts."))
        data["account_user"] = None
        if data.get("account"):
            data["account_user"] = find_account(data["account"])
            if data["account_user"] is None:
                self.add_error("account", _("No account answers to this."))
        return data

    def describe(self) -> str:
        """The filter in words, for the audit entry that reading the log writes."""
        data = self.cleaned_data
        parts = [
            f"{name}={data[name]}"
            for name in ("operator", "account", "since", "until")
            if data.get(name)
        ]
        return "filter: " + (", ".join(parts) if parts else "none")


class BlockAccountForm(AccountReasonForm):
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices)
    field_order = ["identifier", "ground", "reason"]


class ModerateReportForm(forms.Form):
    """What moderation does about a report; the reason is shown to the owner (not for a
    dismissal, which the owner never hears of)."""

    DISMISS = "dismiss"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DISMISS, _("Dismiss the report")),
            (ModerationAction.Kind.HIDE_PHOTO, _("Hide the photo")),
            (ModerationAction.Kind.HIDE_COMMENT, _("Hide the comment")),
            (ModerationAction.Kind.BLOCK_SITE, _("Block the site")),
            (ModerationAction.Kind.BLOCK_ACCOUNT, _("Block the owner's account")),
        ],
        widget=forms.RadioSelect,
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices)
    reason = reason_field(_("Reason, shown to the owner"))


class AnswerAppealForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=[("uphold", _("The decision stands")), ("reverse", _("Undo the decision"))],
        widget=forms.RadioSelect,
    )
    answer = reason_field(_("Answer to the owner"))
