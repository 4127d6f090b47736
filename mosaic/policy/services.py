"""Publishing a new version of the privacy policy or the terms (P14)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mosaic.accounts.models import User
from mosaic.policy.content import render_body
from mosaic.policy.models import PolicyVersion
from mosaic.policy.notices import create_notice
from mosaic.staff.roles import LEGAL
from mosaic.staff.services import record_action


class NoticeTooShort(Exception):
    """The effective date leaves users less than the promised notice (P14)."""

    def __init__(self, earliest: dt.datetime) -> None:
        super().__init__(
            f"a new version must be published at least {settings.PRIVACY_POLICY_NOTICE_DAYS}"
            f" days before it takes effect: the earliest effective date is {earliest:%Y-%m-%d}"
        )
        self.earliest = earliest


def earliest_effective(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.PRIVACY_POLICY_NOTICE_DAYS)


def publish_version(
    *,
    operator: User,
    kind: str,
    effective_at: dt.datetime,
    summary: str,
    now: dt.datetime | None = None,
) -> PolicyVersion:
    """P14: publish the text as it reads now, to take effect no sooner than 5 days ahead.

    1. An operator with the legal role publishes, with the summary of changes as the reason
       in the audit log (P25).
    2. The body is rendered from the live registry and settings and frozen in the version, so
       it stays readable as published.
    3. Every user is emailed through a service notice (P27), after commit.
    """
    now = now or timezone.now()
    if kind not in PolicyVersion.Kind.values:
        raise ValueError(f"unknown policy kind {kind!r}")
    if not summary.strip():
        raise ValueError("say what changed: the summary is shown to every user")
    if effective_at < earliest_effective(now):
        raise NoticeTooShort(earliest_effective(now))
    with transaction.atomic():
        last = PolicyVersion.objects.select_for_update().filter(kind=kind)
        number = (last.aggregate(Max("number"))["number__max"] or 0) + 1
        record_action(
            actor=operator,
            role=LEGAL,
            action=f"publish {kind} policy",
            target=f"policy:{kind}:v{number}",
            reason=summary,
        )
        version = PolicyVersion.objects.create(
            kind=kind,
            number=number,
            published_at=now,
            effective_at=effective_at,
            summary=summary.strip(),
            body=render_body(kind),
        )
        title = version.get_kind_display()
        context = {
            "version": version,
            "title": title,
            "url": settings.SITE_URL + reverse("policy:version", args=[kind, number]),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("%(title)s: version %(number)s takes effect on %(date)s") % {
                "title": title,
                "number": number,
                "date": f"{effective_at:%Y-%m-%d}",
            }
            body = render_to_string("policy/email/policy_notice.txt", context)
        create_notice(subject=subject, body=body, policy_version=version)
    return version
