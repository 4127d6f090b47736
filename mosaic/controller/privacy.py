"""A change of control names a company, not a person (P27)."""

from __future__ import annotations

from mosaic.privacy.registry import exempt

exempt(
    "controller.ControllerChange",
    None,
    reason="The company taking over the service, its public contact and what changes.",
)
