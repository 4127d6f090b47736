"""The operator personas (mosaic/operators/tests/conftest.py) serve the privacy tests too."""

from __future__ import annotations

from mosaic.operators.tests.conftest import (  # noqa: F401
    legal_operator,
    make_operator,
    moderation_operator,
    security_operator,
    support_operator,
)
