"""Self-audit checks for the promises kept by the core apps (accounts, privacy, Instagram).

Each check looks at the live data, not at the code that should have kept the promise, and
reports counts only. Other apps add theirs in their own ``audit_checks.py``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from mosaic.accounts.devices import network_address
from mosaic.accounts.models import User
from mosaic.audit import rolling
from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.lib import caching
from mosaic.lib.batches import BATCH_SIZE
from mosaic.photos.storage import private_storage
from mosaic.privacy.exports import EXPORT_FOLDER
from mosaic.privacy.models import DataExport, SealedArchive
from mosaic.privacy.registry import Category, categories
from mosaic.profiles.models import Profile
from mosaic.staff.models import AuditEntry
from mosaic.staff.roles import ROLES, has_second_factor


def _count(count: int, what: str) -> list[str]:
    return [f"{count} {what}"] if count else []


@audit_check("P01")
def every_category_can_export_and_erase(now: dt.datetime) -> list[str]:
    """P01, P20: the policy lists only categories that can be exported and erased."""
    lacking = [
        category.key
        for category in categories()
        if type(category).export is Category.export
        or type(category).erase is Category.erase
        or type(category).retention is Category.retention
    ]
    if not lacking:
        return []
    return [f"categories without an exporter, eraser or retention: {', '.join(lacking)}"]


@audit_check("P02")
def no_plaintext_token(now: dt.datetime) -> list[str]:
    """P02: every stored Instagram token is a Fernet token, read raw, past the model field (a
    rolling window of the table per run: ``mosaic.audit.rolling``)."""
    table = connection.ops.quote_name(InstagramConnection._meta.db_table)
    column = connection.ops.quote_name("access_token")
    plain = 0
    with rolling.window("P02-instagram-tokens", InstagramConnection) as rows:
        where, params = rows.sql(connection.ops.quote_name("id"))
        last_pk = 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT id, {column} FROM {table} WHERE {where} AND id > %s"  # noqa: S608 (names from the model)
                    " ORDER BY id LIMIT %s",
                    [*params, last_pk, BATCH_SIZE],
                )
                found = cursor.fetchall()
                if not found:
                    break
                last_pk = found[-1][0]
                plain += sum(1 for _pk, value in found if value and not _is_fernet_token(value))
    return _count(plain, "Instagram tokens stored without encryption")


def _is_fernet_token(value: str) -> bool:
    """Version byte 0x80, then timestamp, IV, ciphertext (whole AES blocks) and HMAC."""
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return False
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


@audit_check("P03")
def no_security_log_ip_past_its_period(now: dt.datetime) -> list[str]:
    """P03: session records older than PRIVACY_SECURITY_LOG_DAYS hold only a network."""
    cutoff = now - dt.timedelta(days=settings.PRIVACY_SECURITY_LOG_DAYS) - SWEEP_GRACE
    old = UserSession.objects.filter(created_at__lt=cutoff).order_by("pk")
    full, last_pk = 0, 0
    while batch := list(old.filter(pk__gt=last_pk).values_list("pk", "ip")[:BATCH_SIZE]):
        last_pk = batch[-1][0]
        full += sum(1 for _pk, ip in batch if ip and ip != network_address(ip))
    return _count(full, "session IP addresses kept whole past their period")


@audit_check("P08")
def no_quarantine_past_its_date(now: dt.datetime) -> list[str]:
    late = User.objects.filter(scheduled_deletion_at__lt=now - SWEEP_GRACE).count()
    return _count(late, "accounts still present after their quarantine ended")


@audit_check("P09")
def no_sealed_archive_past_its_period(now: dt.datetime) -> list[str]:
    late = SealedArchive.objects.filter(destroy_after__lt=now - SWEEP_GRACE).count()
    return _count(late, "sealed archives kept past their period")


@audit_check("P20")
def no_export_past_its_period(now: dt.datetime) -> list[str]:
    """P20: exports go after PRIVACY_EXPORT_DAYS, record and file; no stray export file stays."""
    late = DataExport.objects.filter(expires_at__lt=now - SWEEP_GRACE).count()
    storage = private_storage()
    live = set(
        DataExport.objects.filter(expires_at__gte=now - SWEEP_GRACE)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    try:
        _folders, names = storage.listdir(EXPORT_FOLDER)
    except FileNotFoundError:
        names = []
    stray = sum(1 for name in names if f"{EXPORT_FOLDER}/{name}" not in live)
    return _count(late, "data exports kept past their period") + _count(
        stray, "export files on disk without a current export"
    )


@audit_check("P03")
def the_cache_holds_nothing_past_its_time(now: dt.datetime) -> list[str]:
    """P03, P08: the cache itself: no row kept past its expiry (beyond the hourly cull) and no
    key that is not a keyed hash (an address or a login in a key is personal data)."""
    expired, plain = caching.audit(now=now - CULL_GRACE)
    return _count(expired, "expired cache rows not culled") + _count(
        plain, "cache keys that are not keyed hashes"
    )


#: The cull runs hourly; a row may outlive its expiry by that much (and a worker's delay).
CULL_GRACE = dt.timedelta(hours=3)


@audit_check("P11")
def abuse_limits_are_configured(now: dt.datetime) -> list[str]:
    """P11: sign-in, sign-up, password reset and the newsletter form are rate limited, and the
    cache the limits count in answers."""
    limits = settings.ACCOUNT_RATE_LIMITS or {}
    missing = [name for name in _LIMITED if not limits.get(name)]
    breaches = [f"actions without a rate limit: {', '.join(missing)}"] if missing else []
    if not caching.answers():
        breaches.append("the cache that counts rate limits does not answer")
    return breaches


_LIMITED = ("login", "login_failed", "signup", "reset_password", "newsletter")


@audit_check("P19")
def sign_ins_are_told_apart(now: dt.datetime) -> list[str]:
    """P19, P11: behind a proxy without ``TRUSTED_PROXY_COUNT`` every sign-in seems to come
    from the proxy: several accounts' recent sessions all from one private address. (In
    development everyone is 127.0.0.1 by design: production only.)"""
    if not settings.PRODUCTION:
        return []
    recent = list(  # the latest sign-ins, through the creation index: bounded at any size
        UserSession.objects.filter(
            created_at__gte=now - dt.timedelta(days=settings.PRIVACY_SECURITY_LOG_DAYS)
        )
        .order_by("-created_at")
        .values_list("ip", "user_id")[:BATCH_SIZE]
    )
    addresses = {ip for ip, _user in recent}
    accounts = len({user for _ip, user in recent})
    if len(addresses) == 1 and accounts >= 3 and _is_private(next(iter(addresses))):
        return [
            f"the last {accounts} accounts' sign-ins all come from one private address:"
            " set TRUSTED_PROXY_COUNT to the number of proxies in front of the app"
        ]
    return []


def _is_private(address: str | None) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(address or "").is_private
    except ValueError:
        return False


@audit_check("P25")
def every_operator_has_a_second_factor(now: dt.datetime) -> list[str]:
    operators = User.objects.filter(
        is_active=True, groups__in=Group.objects.filter(name__in=ROLES)
    ).distinct()
    lacking = sum(1 for user in operators[:BATCH_SIZE] if not has_second_factor(user))
    return _count(lacking, "operators without a second factor")


@audit_check("P28")
def profile_fields_are_optional(now: dt.datetime) -> list[str]:
    """P28: every profile field a person fills may stay empty: the account's, and every field
    of a profile (an avatar's row with every field blank is a valid state)."""
    required = [
        f"User.{field.name}"
        for field in User._meta.concrete_fields
        if field.name in _PROFILE and not field.blank
    ] + [
        f"Profile.{field.name}"
        for field in Profile._meta.concrete_fields
        if not field.primary_key
        and field.editable
        and not (field.blank and (field.null or not field.is_relation))
    ]
    return [f"profile fields that must be filled: {', '.join(required)}"] if required else []


_PROFILE = {"display_name", "first_name", "last_name", "phone", "avatar", "bio"}


@audit_check("P32")
def sensitive_actions_ask_again(now: dt.datetime) -> list[str]:
    if settings.ACCOUNT_REAUTHENTICATION_REQUIRED:
        return []
    return ["ACCOUNT_REAUTHENTICATION_REQUIRED is off: sensitive actions do not ask again"]


@audit_check("P34")
def no_audit_entry_past_its_period(now: dt.datetime) -> list[str]:
    cutoff = now - dt.timedelta(days=settings.AUDIT_LOG_DAYS) - SWEEP_GRACE
    return _count(
        AuditEntry.objects.filter(at__lt=cutoff).count(), "audit entries past their period"
    )
