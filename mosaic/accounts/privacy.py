"""Personal-data categories and retention sweeps for accounts (P01, P03, P20)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mosaic.accounts import ratelimits
from mosaic.accounts.devices import network_address
from mosaic.accounts.models import KnownDevice, User
from mosaic.lib.batches import BATCH_SIZE
from mosaic.lib.caching import cull_expired
from mosaic.lib.keys import delete_by_keys
from mosaic.privacy.models import SweepState
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, not_held, released_since, sweep

M = TypeVar("M", bound=Model)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _by_user(queryset: QuerySet[M], users: Sequence[User]) -> defaultdict[int, list[M]]:
    """The rows of ``queryset`` belonging to each of ``users``, in one query."""
    rows: defaultdict[int, list[M]] = defaultdict(list)
    for row in queryset.filter(user__any=[user.pk for user in users]):
        rows[row.user_id].append(row)  # type: ignore[attr-defined]
    return rows


@register
class AccountData(Category):
    key = "account"
    order = 100  # erased last: removing the account row ends everything attached to it
    title = _("Account")
    description = _(
        "Your username, email addresses and password hash, when you joined, and the language"
        " you last used Mosaic in (emails to you are written in it)."
    )
    purpose = _("To let you sign in and to contact you about your account.")
    legal_basis = _("Contract: needed to provide the service you signed up for.")
    holdings = (
        Holding("accounts.User", ("username", "email", "password", "language")),
        Holding("account.EmailAddress", ("user", "email")),
        Holding("account.EmailConfirmation", ("key",)),
    )

    def retention(self) -> Text:
        return _(
            "While your account exists, then %(days)s days of quarantine after you delete it."
        ) % {"days": settings.PRIVACY_QUARANTINE_DAYS}

    def export(self, user: User) -> dict[str, Any]:
        return self.export_all([user])[user.pk]

    def export_all(self, users: Sequence[User]) -> dict[int, Any]:
        addresses = _by_user(EmailAddress.objects.order_by("pk"), users)
        return {
            user.pk: {
                "username": user.username,
                "email": user.email,
                "date_joined": _iso(user.date_joined),
                "last_login": _iso(user.last_login),
                "language": user.language,
                "email_addresses": [
                    {"email": item.email, "verified": item.verified, "primary": item.primary}
                    for item in addresses[user.pk]
                ],
            }
            for user in users
        }

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The accounts last, through Django's collector (every cascade), by one array of keys
        per table (``mosaic.lib.keys``)."""
        return delete_by_keys(User.objects.filter(pk__any=[user.pk for user in users]))


@register
class SecurityData(Category):
    key = "security"
    title = _("Sign-in security")
    description = _(
        "Your signed-in sessions (IP address and browser), the browsers and networks you signed"
        " in from, and your two-factor authenticators."
    )
    purpose = _("To keep your account safe: new-device alerts, session control, two-factor.")
    legal_basis = _("Legitimate interest in protecting your account from misuse.")
    holdings = (
        Holding("usersessions.UserSession", ("user", "ip", "user_agent", "session_key", "data")),
        Holding("sessions.Session", ("session_key", "session_data")),
        Holding("accounts.KnownDevice", ("user", "browser", "network")),
        Holding("mfa.Authenticator", ("user", "data")),
    )

    def retention(self) -> Text:
        return _(
            "IP addresses are cut to their network after %(days)s days; sessions end after"
            " %(session_days)s days; devices and authenticators are kept while your account"
            " exists."
        ) % {
            "days": settings.PRIVACY_SECURITY_LOG_DAYS,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
        }

    def export(self, user: User) -> dict[str, Any]:
        return self.export_all([user])[user.pk]

    def export_all(self, users: Sequence[User]) -> dict[int, Any]:
        sessions = _by_user(UserSession.objects.order_by("created_at"), users)
        devices = _by_user(KnownDevice.objects.order_by("first_seen_at"), users)
        authenticators = _by_user(Authenticator.objects.order_by("pk"), users)
        return {
            user.pk: {
                "sessions": [
                    {
                        "started": _iso(item.created_at),
                        "last_seen": _iso(item.last_seen_at),
                        "ip": item.ip,
                        "browser": item.user_agent,
                    }
                    for item in sessions[user.pk]
                ],
                "known_devices": [
                    {
                        "browser": device.browser,
                        "network": device.network,
                        "first_seen": _iso(device.first_seen_at),
                        "last_seen": _iso(device.last_seen_at),
                    }
                    for device in devices[user.pk]
                ],
                "authenticators": [
                    {
                        "type": item.type,
                        "created": _iso(item.created_at),
                        "last_used": _iso(item.last_used_at),
                    }
                    for item in authenticators[user.pk]
                ],
            }
            for user in users
        }

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        ratelimits.forget(users)  # P08: counters keyed to the account (its emails still exist)
        with transaction.atomic():
            sessions = list(UserSession.objects.filter(user__any=ids))
            for record in sessions:  # through the session engine: cached copies go too
                record.end()
            count = len(sessions)
            count += KnownDevice.objects.filter(user__any=ids).delete()[0]
            count += Authenticator.objects.filter(user__any=ids).delete()[0]
        # P08: live sessions went through the engine above (their cached copies with them);
        # expired cached sessions and rate-limit counters go now, not at the next hourly cull.
        cull_expired()
        return count


exempt(
    "accounts.User",
    ("groups", "user_permissions"),
    reason="Links to permission groups; the groups themselves hold no personal data.",
)


@sweep(
    name="security-log-ips",
    promise="P03",
    help=(
        "Cuts the IP address of every session record older than PRIVACY_SECURITY_LOG_DAYS"
        " to its network (IPv4 /16, IPv6 /64)."
    ),
)
def truncate_old_session_ips(now: dt.datetime, dry_run: bool) -> int:
    """P03: IP addresses in security records are kept only for the stated period (P10: except
    an account under a legal hold or recently blocked, whose records may be the evidence).

    Walks the old records by primary key in batches (bounded work, always terminates) and
    rewrites only the addresses that are not yet cut to their network.
    """
    period = dt.timedelta(days=settings.PRIVACY_SECURITY_LOG_DAYS)
    old = UserSession.objects.filter(created_at__lt=now - period)
    last_run = (
        SweepState.objects.filter(name="security-log-ips", last_succeeded_at__isnull=False)
        .values_list("last_succeeded_at", flat=True)
        .first()
    )
    if last_run is not None:
        # Older records were cut by that run, except those a hold or a block kept: take the
        # records that crossed the line since, and every record of an account released since.
        since = last_run - period - dt.timedelta(days=1)
        old = old.filter(Q(created_at__gte=since) | Q(user__in=released_since(since, now)))
    old = not_held(old, now=now).order_by("pk")
    changed, last_pk = 0, 0
    while batch := list(old.filter(pk__gt=last_pk).values_list("pk", "ip")[:BATCH_SIZE]):
        last_pk = batch[-1][0]
        stale = [(pk, network_address(ip)) for pk, ip in batch if ip != network_address(ip)]
        changed += len(stale)
        if not dry_run:
            with transaction.atomic():
                for pk, network in stale:
                    UserSession.objects.filter(pk=pk).update(ip=network)
    return changed


@sweep(
    name="ended-sessions",
    promise="P03",
    help="Deletes session records (IP address, browser) whose sign-in session has ended.",
)
def delete_ended_session_records(now: dt.datetime, dry_run: bool) -> int:
    """A session expires at most SESSION_COOKIE_AGE after its last request, which is when its
    record was last seen; a sign-out deletes its record at once (``accounts.signals``). So only
    records unseen for that long can belong to an ended session: an indexed range, whatever
    the number of live sessions, each checked against the session store."""
    quiet_since = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    live = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=now)
    ended = UserSession.objects.filter(last_seen_at__lt=quiet_since).filter(~Exists(live))
    return delete_due(ended, dry_run=dry_run, now=now)
