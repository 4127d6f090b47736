from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mosaic.organizations import domains, rights
from mosaic.organizations.models import Membership, Organization
from mosaic.staff.reasons import refuse_lookalike


class NewOrganizationForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=120)
    domain = forms.CharField(
        label=_("Email domain"),
        max_length=253,
        help_text=_("The part after @ in your members' addresses, e.g. school.example."),
    )

    def clean_domain(self) -> str:
        return domains.check_claimable(self.cleaned_data["domain"])


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("Email domain"), max_length=253)

    def clean_domain(self) -> str:
        return domains.check_claimable(self.cleaned_data["domain"])


ACTIONS = (
    ("password", _("Require a new password")),
    ("suspend", _("Suspend: sign-in refused, sites offline")),
    ("unsuspend", _("Lift the suspension")),
    ("block", _("Remove from the organization for good")),
    ("restrict", _("Take a right away")),
    ("unrestrict", _("Give a right back")),
    ("make_admin", _("Make an admin")),
    ("make_member", _("Make a member (no admin powers)")),
)


class ActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    right = forms.ChoiceField(
        label=_("Right (to take away or give back)"),
        choices=[("", "—"), *[(key, rights.LABELS[key]) for key in rights.RIGHTS]],
        required=False,
    )
    security = forms.BooleanField(
        label=_("For security reasons (the member is told at their next sign-in, not by email)"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (the member reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        validators=[refuse_lookalike],
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("action") in ("restrict", "unrestrict") and not data.get("right"):
            raise ValidationError(_("Choose the right."))
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the member reads it."))
        return data


class HandOverForm(forms.Form):
    """The owner picks the admin who becomes the owner (``powers.hand_over``)."""

    to = forms.TypedChoiceField(label=_("New owner"), coerce=int, empty_value=None)
    reason = forms.CharField(
        label=_("Reason (the new owner reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        validators=[refuse_lookalike],
        error_messages={"required": _("Say why: the new owner reads it.")},
    )

    def __init__(self, *args: Any, candidates: Sequence[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {membership.user_id: membership.user for membership in candidates}
        self.fields["to"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (membership.user_id, membership.user.username) for membership in candidates
        ]


class DeleteOrganizationForm(forms.Form):
    name = forms.CharField(label=_("Type the organization's name to confirm"), max_length=120)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self) -> str:
        value: str = self.cleaned_data["name"].strip()
        if value != self.organization.name:
            raise ValidationError(_("That is not the organization's name."))
        return value
