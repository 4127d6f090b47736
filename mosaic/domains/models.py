"""A site's custom domain: the owner's own host name showing the site (paid plan only)."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from mosaic.billing.models import Subscription
from mosaic.websites.models import Site


def new_token() -> str:
    return secrets.token_hex(16)


class CustomDomainQuerySet(models.QuerySet["CustomDomain"]):
    def serving(self) -> CustomDomainQuerySet:
        """Verified domains whose site is online and whose owner's plan includes a custom
        domain now (``billing.plans``: trial, active, or past due within the grace period).
        The one rule for the middleware and Caddy's ``ask`` endpoint."""
        now = timezone.now()
        entitled = Q(
            site__owner__subscription__status__in=[
                Subscription.Status.TRIALING,
                Subscription.Status.ACTIVE,
            ]
        ) | Q(
            site__owner__subscription__status=Subscription.Status.PAST_DUE,
            site__owner__subscription__grace_until__gt=now,
        )
        online = Site.objects.online().values("pk")
        return self.filter(entitled, verified_at__isnull=False, site__in=online)


class CustomDomain(models.Model):
    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="custom_domain")
    #: Lower case, ASCII (IDNA), without a trailing dot or a port.
    domain = models.CharField(max_length=253, unique=True)
    #: The owner proves control by publishing ``mosaic-verify=<token>`` as a TXT record.
    token = models.CharField(max_length=32, default=new_token, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    #: What the last check found missing, shown to the owner.
    problem = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomDomainQuerySet.as_manager()

    def __str__(self) -> str:
        return self.domain
