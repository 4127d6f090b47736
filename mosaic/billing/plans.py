"""The plans and their limits: the ONE place they are declared.

``/pricing/`` shows these values and every check reads them: how many sites an owner may
have (``websites.services.create_site``), whether the "Made with Mosaic" line shows on a site
(``websites.render``), how far back statistics go (``stats.panel_views``), and whether a
custom domain may be used. Which plan an owner is on is ``plan_for(user)``: the paid plan
while a subscription entitles them to it (``Subscription.entitled``), the free one otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from mosaic.accounts.models import User


@dataclass(frozen=True)
class Plan:
    key: str
    name: str | Promise
    #: Net price per month (VAT is added at the buyer's country's rate, ``billing.vat``).
    price: Decimal
    currency: str
    sites: int
    custom_domain: bool
    branding: bool
    stats_days: int

    @property
    def paid(self) -> bool:
        return self.price > 0


FREE = Plan(
    key="free",
    name=_("Free"),
    price=Decimal("0.00"),
    currency="EUR",
    sites=3,
    custom_domain=False,
    branding=True,
    stats_days=30,
)
PAID = Plan(
    key="paid",
    name=_("Paid"),
    price=Decimal("5.00"),
    currency="EUR",
    sites=10,
    custom_domain=True,
    branding=False,
    stats_days=90,
)
PLANS = (FREE, PAID)


def plan_for(user: User | int) -> Plan:
    """The plan ``user`` (or a user id) is on now."""
    from mosaic.billing.models import Subscription

    user_id = user if isinstance(user, int) else user.pk
    subscription = Subscription.objects.filter(user_id=user_id).first()
    return PAID if subscription is not None and subscription.entitled() else FREE
