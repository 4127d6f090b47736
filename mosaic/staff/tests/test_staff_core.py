"""The staff core (P25): roles, the permission check and the operator action log."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from mosaic.staff.models import AuditEntry
from mosaic.staff.roles import LEGAL, MODERATION, ROLES, SECURITY, has_role, roles_of
from mosaic.staff.services import record_action

pytestmark = pytest.mark.django_db


def test_p25_an_action_is_refused_without_the_role_and_writes_nothing(moderation_operator):
    with pytest.raises(PermissionDenied):
        record_action(
            actor=moderation_operator.user, role=LEGAL, action="x", target="t:1", reason="r"
        )
    assert not AuditEntry.objects.exists()


def test_p25_an_action_needs_a_stated_reason(legal_operator):
    with pytest.raises(ValueError, match="reason"):
        record_action(actor=legal_operator.user, role=LEGAL, action="x", target="t:1", reason=" ")
    assert not AuditEntry.objects.exists()


def test_p25_an_action_is_written_with_the_operator_role_and_reason(legal_operator):
    entry = record_action(
        actor=legal_operator.user,
        role=LEGAL,
        action="place legal hold",
        target="account:7",
        reason="  court order  ",
        case_reference=" C-1 ",
    )
    assert (entry.actor_name, entry.role, entry.reason, entry.case_reference) == (
        "lena",
        LEGAL,
        "court order",
        "C-1",
    )
    assert (entry.delete_after - entry.at).days == settings.AUDIT_LOG_DAYS


def test_p25_roles_are_read_from_groups_and_a_deactivated_operator_holds_none(make_operator, owner):
    operator = make_operator(SECURITY)
    assert roles_of(operator.user) == [SECURITY]
    assert has_role(operator.user, SECURITY)
    assert not has_role(operator.user, MODERATION)
    assert roles_of(owner.user) == []
    operator.user.is_active = False
    assert roles_of(operator.user) == []
    assert not has_role(operator.user, SECURITY)
    with pytest.raises(ValueError, match="unknown operator role"):
        has_role(operator.user, "admin")
    assert set(ROLES) == {"support", "security", "legal", "moderation"}


def test_the_move_to_the_staff_core_keeps_every_entry_written_before(tmp_path: Path):
    """Migrate a fresh database to before the move, write an entry, migrate on: it is there."""
    env = {**os.environ, "MOSAIC_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "-v0"]
    subprocess.run([*manage, "operators", "0001"], env=env, check=True)
    database = sqlite3.connect(tmp_path / "mosaic.sqlite3")
    with database:
        database.execute(
            "INSERT INTO operators_auditentry (at, actor_name, role, action, target,"
            " case_reference, reason, delete_after) VALUES"
            " ('2026-01-01', 'lena', 'legal', 'place legal hold', 'account:7', '', 'order',"
            " '2029-01-01')"
        )
    subprocess.run([*manage, "staff"], env=env, check=True)  # the move and what it needs
    with database:
        rows = database.execute("SELECT actor_name, target FROM staff_auditentry").fetchall()
        labels = database.execute(
            "SELECT app_label FROM django_content_type WHERE model = 'auditentry'"
        ).fetchall()
    assert rows == [("lena", "account:7")]
    assert labels == [("staff",)]
