"""Every cookie Mosaic sets, declared once (P13).

The privacy policy lists this inventory, a test visits every page and fails on any cookie that
is not in it, and the self-audit fails if a cookie named in the settings is missing or if a
non-essential cookie is declared while there is no consent dialog to ask for it.

Only essential cookies exist, so no consent dialog is needed: if a non-essential cookie or any
browser storage is ever added, declare it here with ``essential=False`` and add the dialog (a
``Consent`` with purpose ``cookies``) before setting it; refusing must keep Mosaic usable.
Published visitor sites set no cookie at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext_lazy as _

from mosaic.privacy.registry import Text
from mosaic.stats.visitors import NO_COUNT_COOKIE
from mosaic.web.preferences import SIMILAR_COOKIE, THEME_COOKIE

#: Set to True only together with a consent dialog that records the choice (P13, P23).
CONSENT_DIALOG = False


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Text
    lifetime: Text
    essential: bool = True
    #: the app whose code sets it: a cookie of an app that is not installed is not declared
    app: str = "mosaic.accounts"


def inventory() -> list[Cookie]:
    """The declared cookies of installed apps, with the names the live settings give them."""
    return [cookie for cookie in _declared() if apps.is_installed(cookie.app)]


def _declared() -> list[Cookie]:
    session_days = settings.SESSION_COOKIE_AGE // 86400
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in."),
            _("%(days)s days, or until you sign out.") % {"days": session_days},
            app="django.contrib.sessions",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Protects forms against cross-site request forgery."),
            _("One year."),
            app="mosaic.web",
        ),
        Cookie(
            CookieStorage.cookie_name,
            _("Carries a one-time message (such as 'saved') to the next page."),
            _("Until the next page is shown."),
            app="django.contrib.messages",
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose, only when you choose one."),
            _("One year."),
            app="mosaic.web",
        ),
        Cookie(
            THEME_COOKIE,
            _("Remembers the light or dark theme you chose, only when you choose one."),
            _("One year."),
            app="mosaic.web",
        ),
        Cookie(
            SIMILAR_COOKIE,
            _("Remembers that you hid “similar sites”, only when you hide them."),
            _("One year, or until you show them again."),
            app="mosaic.discovery",
        ),
        Cookie(
            NO_COUNT_COOKIE,
            _(
                "Set only when you, a site owner, switch off counting your own visits: tells"
                " the statistics to skip this browser. It identifies nobody."
            ),
            _("One year, or until you switch counting back on."),
            app="mosaic.stats",
        ),
    ]


def declared_names() -> set[str]:
    return {cookie.name for cookie in inventory()}
