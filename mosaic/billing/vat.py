"""VAT on a subscription: the standard rate of the buyer's country (EU one-stop shop, B2C).

A buyer in another EU country with a VAT number pays no VAT (reverse charge, the invoice says
so); outside the EU no VAT is charged (the invoice says so too). Rates are the standard rates
in force in 2026; a change of rate is a change to this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: Standard VAT rates in percent, by ISO 3166 country code.
RATES: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "AT": "20", "BE": "21", "BG": "20", "CY": "19", "CZ": "21", "DE": "19", "DK": "25",
        "EE": "24", "ES": "21", "FI": "25.5", "FR": "20", "GR": "24", "HR": "25", "HU": "27",
        "IE": "23", "IT": "22", "LT": "21", "LU": "17", "LV": "21", "MT": "18", "NL": "21",
        "PL": "23", "PT": "23", "RO": "21", "SE": "25", "SI": "22", "SK": "23",
    }.items()
}  # fmt: skip

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Vat:
    rate: Decimal
    amount: Decimal
    note: str


def vat_for(*, net: Decimal, country: str, vat_id: str = "") -> Vat:
    country = country.upper()
    if country not in RATES:
        return Vat(Decimal("0.0"), Decimal("0.00"), str(_("VAT not applicable: outside the EU.")))
    if vat_id and country != settings.BILLING_SELLER_COUNTRY:
        return Vat(
            Decimal("0.0"),
            Decimal("0.00"),
            str(_("Reverse charge: VAT to be accounted for by the recipient.")),
        )
    rate = RATES[country]
    return Vat(rate, (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP), "")
