"""Operator roles (SPEC C7, P25): each sees only what its job needs.

Roles are Django groups of the same names, created after every migrate. A person may hold
several. Code outside this app asks through ``has_role``/``roles_of``/``require_role``, never
by reading groups itself.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

SUPPORT = "support"  # accounts, data-access and correction requests
SECURITY = "security"  # sealed archives, case by case; the audit-log viewer
LEGAL = "legal"  # legal requests, legal holds, transparency report
MODERATION = "moderation"  # abuse reports, blocking
ROLES = (SUPPORT, SECURITY, LEGAL, MODERATION)


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if role not in ROLES:
        raise ValueError(f"unknown operator role {role!r}")
    if not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=role).exists()  # type: ignore[attr-defined]


def roles_of(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """The operator roles ``user`` holds, in the order of ``ROLES``; empty for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return []
    held = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))  # type: ignore[attr-defined]
    return [role for role in ROLES if role in held]


def has_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """P25: an authenticator app or a security key; recovery codes alone are not one."""
    if not user.is_authenticated:
        return False
    second_factors = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
    return Authenticator.objects.filter(user_id=user.pk, type__in=second_factors).exists()


def require_role(user: AbstractBaseUser | AnonymousUser, role: str) -> None:
    """P25: raise ``PermissionDenied`` unless ``user`` holds ``role`` and signs in with a
    second factor: no operator acts on a password alone."""
    name = getattr(user, "username", "anonymous")
    if not has_role(user, role):
        raise PermissionDenied(f"{name} does not hold the {role} role")
    if not has_second_factor(user):
        raise PermissionDenied(f"{name} has no second factor: operators need one (P25)")
