"""The privacy policy's statements: each one is a registry entry of the feature whose code keeps
it (P01, P04, P13), so the page says only what the running code does.

A ``Statement`` names its ``app``; an app that is not installed contributes nothing, so a
feature that does not exist cannot be promised. The page lists the installed statements by
``order``, each under its heading, rendered from its template with ``content.privacy_context``.

Adding one for a new feature (docs/privacy.md, "The policy page"): in the app's
``policy_statements.py`` (found by ``PolicyConfig.ready``)::

    from mosaic.policy.statements import Statement, declare

    declare(Statement(key="transparency", app="mosaic.transparency", order=75,
                      heading=_("Transparency report"),
                      template="transparency/policy_statement.html", promises=("P26",)))
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mosaic.privacy.registry import Text


@dataclass(frozen=True)
class Statement:
    key: str
    app: str
    heading: Text
    template: str
    order: int = 50
    promises: tuple[str, ...] = ()

    @property
    def installed(self) -> bool:
        return apps.is_installed(self.app)


_registry: dict[str, Statement] = {}


def declare(statement: Statement) -> Statement:
    known = _registry.get(statement.key)
    if known is not None and known != statement:
        raise ImproperlyConfigured(f"two policy statements named {statement.key!r}")
    _registry[statement.key] = statement
    return statement


def statements() -> list[Statement]:
    """The statements of installed features, in page order."""
    return sorted(
        (statement for statement in _registry.values() if statement.installed),
        key=lambda statement: (statement.order, statement.key),
    )


def every_statement() -> list[Statement]:
    """All declared statements, installed or not (for the self-audit and the docs)."""
    return sorted(_registry.values(), key=lambda statement: (statement.order, statement.key))


def _core(key: str, app: str, heading: Text, order: int, *promises: str) -> None:
    declare(Statement(key, app, heading, f"policy/statements/{key}.html", order, promises))


_core("collect", "mosaic.privacy", _("What we keep, why, and for how long"), 10, "P01", "P03")
_core("sharing", "mosaic.privacy", _("Who else handles your data"), 20, "P04", "P23")
_core("cookies", "mosaic.policy", _("Cookies"), 30, "P13")
_core("rights", "mosaic.privacy", _("Your rights, and how to use them yourself"), 40, "P20")
_core("email", "mosaic.consent", _("Email"), 50, "P29")
_core("legal", "mosaic.privacy", _("Requests from authorities"), 70, "P09", "P15")
_core("changes", "mosaic.policy", _("Changes to this policy"), 80, "P14")
_core("contact", "mosaic.policy", _("Contact"), 90, "P33")
