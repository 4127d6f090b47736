"""The websites tests' ``commit`` fixture: publishing runs in the test's transaction."""

from __future__ import annotations

from mosaic.websites.tests.conftest import commit as commit
