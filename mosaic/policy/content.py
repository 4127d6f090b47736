"""What the privacy policy and the terms say, computed from the registry and the live settings.

The policy page is never written by hand: its categories, periods and processors come from the
same code and settings that keep the promises (P01, P04), so the page cannot disagree with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mosaic.billing.providers import payment_processors
from mosaic.policy import statements as _core_statements  # noqa: F401 (declares the core ones)
from mosaic.policy.cookies import inventory
from mosaic.policy.statements import statements
from mosaic.privacy.registry import Category, Text, categories


@dataclass(frozen=True)
class Right:
    name: Text
    how: Text
    url: str


def _rights() -> list[tuple[str, Callable[[], Right]]]:
    """Each right with the app whose pages exercise it (P20)."""
    return [
        (
            "mosaic.panel",
            lambda: Right(
                _("See what we keep"),
                _("Every category of data, why and how long, on your data page."),
                reverse("panel:your_data"),
            ),
        ),
        (
            "mosaic.panel",
            lambda: Right(
                _("Get a copy"),
                _("Download all your data as a ZIP, ready within minutes, for %(days)s days.")
                % {"days": settings.PRIVACY_EXPORT_DAYS},
                reverse("panel:request_data_export"),
            ),
        ),
        (
            "allauth.account",
            lambda: Right(
                _("Correct it"),
                _("Change your email address; other details on the pages that show them."),
                reverse("account_email"),
            ),
        ),
        (
            "mosaic.panel",
            lambda: Right(
                _("Delete it"),
                _("Delete your account: offline at once, erased after %(days)s days.")
                % {"days": settings.PRIVACY_QUARANTINE_DAYS},
                reverse("panel:delete_account"),
            ),
        ),
        (
            "mosaic.consent",
            lambda: Right(
                _("Object to promotional email"),
                _("Promotional email is off unless you turn it on; one click stops it."),
                reverse("consent:email_preferences"),
            ),
        ),
        (
            "allauth.usersessions",
            lambda: Right(
                _("See and end your sessions"),
                _("Every device signed in to your account, and signing them out."),
                reverse("usersessions_list"),
            ),
        ),
    ]


def rights() -> list[Right]:
    """How to exercise each right yourself, with the page that does it: only the rights whose
    pages are installed (P20)."""
    return [make() for app, make in _rights() if apps.is_installed(app)]


def installed_categories() -> list[Category]:
    """The registry's categories whose app is installed: an app that is not contributes
    nothing to the page."""
    return [
        category
        for category in categories()
        if apps.get_containing_app_config(type(category).__module__) is not None
    ]


def privacy_context() -> dict[str, Any]:
    return {
        "statements": statements(),
        "categories": installed_categories(),
        "processors": [*settings.PRIVACY_PROCESSORS, *payment_processors()],
        "cookies": inventory(),
        "rights": rights(),
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "notice_days": settings.PRIVACY_POLICY_NOTICE_DAYS,
        "security_log_days": settings.PRIVACY_SECURITY_LOG_DAYS,
        "quarantine_days": settings.PRIVACY_QUARANTINE_DAYS,
        "archive_days": settings.PRIVACY_ARCHIVE_DAYS,
        "block_keep_days": settings.PRIVACY_BLOCK_KEEP_DAYS,
    }


def render_body(kind: str, *, language: str | None = None) -> str:
    """The body of the privacy policy or the terms, as it reads right now (HTML)."""
    context = privacy_context() if kind == "privacy" else {}
    context["notice_days"] = settings.PRIVACY_POLICY_NOTICE_DAYS
    context["contact_email"] = settings.PRIVACY_CONTACT_EMAIL
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(f"policy/{kind}_body.html", context)
