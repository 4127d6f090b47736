"""Organizations, their verified domains, members and the admins' actions (C8, P24)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mosaic.staff.reasons import shown

VERIFY_PREFIX = "_mosaic-verify"
TOKEN_PREFIX = "mosaic-verify="  # noqa: S105  (a record prefix, not a secret)


def new_token() -> str:
    """128 random bits: what the organization puts in its TXT record."""
    return secrets.token_urlsafe(16)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField()
    # Set when its deletion starts: no admin acts any more, its domains are gone, and a task
    # releases its members in batches, deleting the row after the last (``closing``).
    closing_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.name


class DomainQuerySet(models.QuerySet["Domain"]):
    def verified(self) -> DomainQuerySet:
        return self.filter(status=Domain.Status.VERIFIED)


class Domain(models.Model):
    """An email domain an organization claims. Verified by a TXT record
    ``_mosaic-verify.<name>`` holding ``mosaic-verify=<token>``; one domain, one organization."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the DNS record")
        VERIFIED = "verified", _("verified")
        LAPSED = "lapsed", _("lapsed: the DNS record is gone")
        EXPIRED = "expired", _("not verified in time")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=253, unique=True)
    token = models.CharField(max_length=64, default=new_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    checked_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    objects = DomainQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "checked_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def record_name(self) -> str:
        return f"{VERIFY_PREFIX}.{self.name}"

    @property
    def record_value(self) -> str:
        return f"{TOKEN_PREFIX}{self.token}"


class Membership(models.Model):
    """An account's place in an organization. An account belongs to one organization at most.

    ``claim_after`` is the end of the notice an existing account gets before it is claimed
    (``claimed_at``); until then the admins have no power over it. Suspension, block and the
    three restrictions are the admins' powers (C8), each listed on the member's page (P24)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        ADMIN = "admin", _("admin")
        MEMBER = "member", _("member")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_membership"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    notified_at = models.DateTimeField()
    claim_after = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_for_security = models.BooleanField(default=False)
    blocked_at = models.DateTimeField(null=True, blank=True)
    no_deleting = models.BooleanField(default=False)
    no_privacy_changes = models.BooleanField(default=False)
    no_instagram = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} ({self.role})"

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None and self.blocked_at is None

    @property
    def is_admin(self) -> bool:
        return self.is_claimed and self.role in (self.Role.OWNER, self.Role.ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.is_claimed and self.role == self.Role.OWNER


class AdminAction(models.Model):
    """One thing an admin did about a member (P24): shown on the member's page, emailed to
    them (a security suspension only at their next sign-in), and written to the staff core's
    action log as ``org-action:<id>``."""

    class Kind(models.TextChoices):
        VIEW = "view", _("looked at the account and its site statistics")
        PASSWORD_RESET = "password_reset", _("required a new password")
        SUSPEND = "suspend", _("suspended the account")
        UNSUSPEND = "unsuspend", _("lifted the suspension")
        BLOCK = "block", _("removed the account from the organization")
        RESTRICT = "restrict", _("restricted a right")
        UNRESTRICT = "unrestrict", _("gave back a right")
        ROLE = "role", _("changed the role")
        HAND_OVER = "hand_over", _("handed the organization over to this account")

    # P24, P34: the entry outlives its organization (deleted by its owner, or with the owner's
    # account) so the member keeps seeing it until the AUDIT_LOG_DAYS sweep; the name is kept
    # for that time (an organization's name describes no person).
    organization = models.ForeignKey(
        Organization, null=True, on_delete=models.SET_NULL, related_name="admin_actions"
    )
    organization_name = models.CharField(max_length=120, blank=True)
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    admin_name = models.CharField(max_length=150)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_admin_actions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=40, blank=True)
    reason = models.TextField()
    security = models.BooleanField(default=False)
    at = models.DateTimeField(db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.admin_name} {self.kind} {self.member_id}"

    @property
    def detail_label(self) -> str:
        """The right or the role the action was about, in words."""
        from mosaic.organizations.rights import LABELS

        if self.kind == self.Kind.ROLE:
            return str(Membership.Role(self.detail).label) if self.detail else ""
        return str(LABELS.get(self.detail, ""))

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language when Mosaic wrote it (``staff.reasons``)."""
        return shown(self.reason)

    @property
    def audit_target(self) -> str:
        return f"org-action:{self.pk}"
