"""Custom domains as personal data: the host name an owner chose for a site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.domains.models import CustomDomain
from mosaic.lib.keys import delete_by_keys
from mosaic.privacy.registry import Category, Holding, Text, register


@register
class CustomDomainData(Category):
    key = "custom-domains"
    title = _("Custom domains")
    description = _("The domain names you chose for your sites and their verification state.")
    purpose = _("To show your site on your own domain.")
    legal_basis = _("Contract: the paid plan you chose.")
    holdings = (Holding("domains.CustomDomain", ("site", "domain", "token", "problem")),)

    def retention(self) -> Text:
        return _("While the site exists; deleted with it or when you remove the domain.")

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "site": item.site.slug,
                "domain": item.domain,
                "verified": item.verified_at is not None,
            }
            for item in CustomDomain.objects.filter(site__owner=user).select_related("site")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        return delete_by_keys(CustomDomain.objects.filter(site__owner__any=ids))

    def quarantine(self, user: User) -> None:
        """P08: the domains stop with the sites (``serving()`` needs an online site)."""
