from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mosaic.billing.models import BillingDetails

#: The countries a buyer can choose: VAT differs inside the EU (billing.vat); elsewhere none.
COUNTRIES = [
    ("", _("Choose your country")),
    ("AT", _("Austria")), ("BE", _("Belgium")), ("BG", _("Bulgaria")), ("HR", _("Croatia")),
    ("CY", _("Cyprus")), ("CZ", _("Czechia")), ("DK", _("Denmark")), ("EE", _("Estonia")),
    ("FI", _("Finland")), ("FR", _("France")), ("DE", _("Germany")), ("GR", _("Greece")),
    ("HU", _("Hungary")), ("IE", _("Ireland")), ("IT", _("Italy")), ("LV", _("Latvia")),
    ("LT", _("Lithuania")), ("LU", _("Luxembourg")), ("MT", _("Malta")),
    ("NL", _("Netherlands")), ("PL", _("Poland")), ("PT", _("Portugal")), ("RO", _("Romania")),
    ("SK", _("Slovakia")), ("SI", _("Slovenia")), ("ES", _("Spain")), ("SE", _("Sweden")),
    ("XX", _("Another country, outside the EU")),
]  # fmt: skip


class BillingDetailsForm(forms.ModelForm[BillingDetails]):
    """P17: the country is needed for VAT; the rest only if the buyer wants it on invoices."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES)

    class Meta:
        model = BillingDetails
        fields = ["country", "name", "address", "vat_id"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("Optional: shown on your invoices."),
            "address": _("Optional: shown on your invoices."),
            "vat_id": _("Optional: for a business in the EU."),
        }

    def clean_vat_id(self) -> str:
        value = "".join(str(self.cleaned_data.get("vat_id", "")).split()).upper()
        if value and not (value[:2].isalpha() and value[2:].isalnum() and 4 <= len(value) <= 16):
            raise forms.ValidationError(_("Enter a VAT number such as DE123456789."))
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["address"].required = False


class ChooseSitesForm(forms.Form):
    sites = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, choices: list[tuple[int, str]], limit: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit
        field = self.fields["sites"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices
        self.fields["sites"].label = _("Sites that stay online")

    def clean_sites(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["sites"]
        if len(chosen) > self.limit:
            raise forms.ValidationError(
                _("Your plan allows %(limit)s online sites: choose at most that many.")
                % {"limit": self.limit}
            )
        return chosen
