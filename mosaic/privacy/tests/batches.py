"""Erasing one category for a batch of accounts, counting the queries it takes (P08): each
category's tests check that a bigger batch takes no more queries than a smaller one."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mosaic.accounts.models import User
from mosaic.privacy.registry import category


def queries_to_erase(key: str, users: Sequence[User]) -> int:
    """How many queries category ``key`` takes to erase ``users`` together."""
    with CaptureQueriesContext(connection) as queries:
        category(key).erase_all(users)
    return len(queries)
