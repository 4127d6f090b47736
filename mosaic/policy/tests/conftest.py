from __future__ import annotations

import pytest

from mosaic.accounts.models import User


@pytest.fixture
def lawyer(make_operator) -> User:
    """Lena: an operator with the legal role (and an authenticator app, P25)."""
    return make_operator("legal", "lena").user
