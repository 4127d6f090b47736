"""Rate-limit counters that name an account go with the account (P08).

allauth counts attempts in the cache under keys built from the account: its id (``per=user``
rates: changing a password or an email, re-authenticating), or a login name or email address
(``per=key`` rates: wrong passwords, confirmation and reset emails, login codes). The keys are
stored as HMACs (``mosaic.lib.caching.keyed_key``) and expire within minutes, but an erased
account's counters should not outlive it even that long, so erasure deletes every key the
account could have. ``login_failed_key`` makes the wrong-password key independent of the host
the request reached, so that the set of keys is finite and known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import Rate, get_cache_key, get_rates

import mosaic.lib.keys  # noqa: F401  (registers the ``__any`` lookup used below)
from mosaic.accounts.models import User
from mosaic.lib.caching import delete_keys

APP = "allauth.account"
#: The keys allauth passes (``key=``) to each action it counts per key, as shapes of a login
#: name or email address (``{login}``, lower-case) or of the account's id (``{pk}``): wrong
#: passwords by our adapter (``login_failed_key``) and by allauth's MFA step, the rest by the
#: address or number typed. Only these keys can exist, so only these are deleted.
KEY_SHAPES: dict[str, tuple[str, ...]] = {
    "login_failed": ("login:{login}", "login:{login}:known", "mfa-auth-user-{pk}"),
    "reset_password": ("{login}",),
    "confirm_email": ("{login}",),
    "request_login_code": ("{login}",),
    "verify_phone": ("{login}",),
}
#: For an action allauth may add later and ``KEY_SHAPES`` does not know yet: every shape.
EVERY_SHAPE = tuple(dict.fromkeys(shape for shapes in KEY_SHAPES.values() for shape in shapes))


def login_failed_key(login: str, *, known_network: bool) -> str:
    """The ``login_failed`` counter's key for a login name or email address (P11)."""
    key = f"login:{login.lower()}"
    return f"{key}:known" if known_network else key


def account_rates() -> list[tuple[str, Rate]]:
    """allauth's (action, rate) pairs whose counters can name an account (per user or key)."""
    return [
        (action, rate)
        for action in account_settings.RATE_LIMITS
        for rate in get_rates(app=APP, action=action)
        if rate.per in ("user", "key")
    ]


def account_keys(
    user: User, logins: Iterable[str], rates: list[tuple[str, Rate]] | None = None
) -> set[str]:
    """Every rate-limit cache key that can name ``user`` (its id, or one of ``logins``);
    ``rates``: ``account_rates()``, read once for a batch of accounts (allauth reads its
    settings anew at every access)."""
    keys: set[str] = set()
    names = {login.lower() for login in logins if login}
    for action, rate in account_rates() if rates is None else rates:
        if rate.per == "user":
            keys.add(get_cache_key(None, app=APP, action=action, rate=rate, user=user))
            continue
        for shape in KEY_SHAPES.get(action, EVERY_SHAPE):
            for key in _shaped(shape, names, user.pk):
                keys.add(get_cache_key(None, app=APP, action=action, rate=rate, key=key))
    return keys


def _shaped(shape: str, names: set[str], pk: int) -> set[str]:
    if "{login}" in shape:
        return {shape.format(login=login, pk=pk) for login in names}
    return {shape.format(pk=pk)}


def forget(users: Sequence[User]) -> int:
    """P08: delete the rate-limit counters (and their locks) of ``users``; returns how many
    keys were asked to go. Call before their email addresses are erased."""
    emails: dict[int, list[str]] = {}
    for user_id, email in EmailAddress.objects.filter(
        user__any=[user.pk for user in users]
    ).values_list("user_id", "email"):
        emails.setdefault(user_id, []).append(email)
    rates = account_rates()
    keys: set[str] = set()
    for user in users:
        logins = [user.username, user.email, *emails.get(user.pk, [])]
        keys |= account_keys(user, logins, rates)
    keys |= {f"{key}:lock" for key in keys}
    delete_keys(keys)
    return len(keys)
