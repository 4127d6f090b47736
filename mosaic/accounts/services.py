"""Account workflows that go beyond what allauth does itself."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mosaic.accounts.devices import browser_of, network_of
from mosaic.accounts.models import KnownDevice, User


def record_sign_in(
    *, user: User, ip: str, user_agent: str, when: dt.datetime | None = None
) -> KnownDevice | None:
    """P19: remember the device of a sign-in and alert the user when it is new.

    1. The browser and network (IPv4 /16, IPv6 /64) make the device.
    2. A user's very first device (the sign-in after sign-up) is recorded without an alert.
    3. Any later device not seen before is recorded together with its alert email (sent after
       commit, retried until the mail server takes it). Returns that new device, or None when
       no alert is due.
    """
    from mosaic.accounts.emails import send_new_device_alert

    when = when or timezone.now()
    browser, network = browser_of(user_agent), network_of(ip)
    with transaction.atomic():
        updated = KnownDevice.objects.filter(user=user, browser=browser, network=network).update(
            last_seen_at=when
        )
        if updated:
            return None
        first_device = not KnownDevice.objects.filter(user=user).exists()
        device = KnownDevice.objects.create(
            user=user, browser=browser, network=network, first_seen_at=when, last_seen_at=when
        )
        if first_device:
            return None
        send_new_device_alert(device=device)
    return device
