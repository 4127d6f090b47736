from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from conftest import make_user
from mosaic.accounts.models import User


@pytest.fixture
def lawyer(db) -> User:
    """Lena: an operator with the legal role."""
    user = make_user("lena")
    user.groups.add(Group.objects.get(name="legal"))
    return user
