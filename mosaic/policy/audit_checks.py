"""Self-audit checks for cookies (P13) and policy notice periods (P14)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import ExpressionWrapper, F, fields

from mosaic.audit.registry import audit_check
from mosaic.policy import cookies
from mosaic.policy.models import PolicyVersion


@audit_check("P13")
def every_cookie_declared(now: dt.datetime) -> list[str]:
    """The cookies the settings name are declared; nothing non-essential without a dialog."""
    named = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    breaches = []
    if missing := sorted(named - cookies.declared_names()):
        breaches.append(f"cookies set but not declared: {', '.join(missing)}")
    optional = [cookie.name for cookie in cookies.inventory() if not cookie.essential]
    if optional and not cookies.CONSENT_DIALOG:
        breaches.append(f"non-essential cookies without a consent dialog: {', '.join(optional)}")
    return breaches


@audit_check("P14")
def every_policy_version_had_its_notice(now: dt.datetime) -> list[str]:
    notice = dt.timedelta(days=settings.PRIVACY_POLICY_NOTICE_DAYS)
    short = (
        PolicyVersion.objects.annotate(
            given=ExpressionWrapper(
                F("effective_at") - F("published_at"), output_field=fields.DurationField()
            )
        )
        .filter(given__lt=notice)
        .count()
    )
    if not short:
        return []
    return [f"{short} policy versions published with less than {notice.days} days' notice"]


@audit_check("P04")
def every_processor_is_described(now: dt.datetime) -> list[str]:
    """P04: each processor the policy lists says what it does and where."""
    incomplete = [
        processor
        for processor in settings.PRIVACY_PROCESSORS
        if not all(str(processor.get(key, "")).strip() for key in ("name", "purpose", "location"))
    ]
    if incomplete:
        return [f"{len(incomplete)} processors without a name, purpose or location"]
    return []


@audit_check("P16")
def preferences_stay_in_the_browser(now: dt.datetime) -> list[str]:
    """P16: a signed-out visitor's language and theme are cookies in their browser, declared
    on the policy page. The account keeps no theme; it keeps the language its owner last used
    while signed in (``accounts.middleware``: mail reaches them in it), which is account data
    and must be declared as such (exported, erased, on the policy page)."""
    from mosaic.accounts.models import User
    from mosaic.privacy.registry import categories
    from mosaic.web.preferences import SIMILAR_COOKIE, THEME_COOKIE

    breaches = []
    wanted = {settings.LANGUAGE_COOKIE_NAME, THEME_COOKIE, SIMILAR_COOKIE}
    undeclared = wanted - cookies.declared_names()
    if undeclared:
        breaches.append(f"preference cookies not declared: {', '.join(sorted(undeclared))}")
    declared = {
        field
        for category in categories()
        for holding in category.holdings
        if holding.model == "accounts.User"
        for field in holding.fields
    }
    names = {f.name for f in User._meta.concrete_fields}
    stored = sorted(({"theme"} & names) | ({"language"} & names - declared))
    if stored:
        breaches.append(f"preferences stored on the server: {', '.join(stored)}")
    return breaches
