from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import make_user
from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.legal.services import record_legal_request
from mosaic.lib.sealing import SealError, new_key_pair
from mosaic.privacy.archives import find_archives, open_archive
from mosaic.privacy.models import SealedArchive
from mosaic.privacy.services import erase_account
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def security_key(settings, tmp_path):
    """The security team's key pair: the service is configured with the public half only."""
    private, public = new_key_pair()
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = public
    key_file = tmp_path / "security.key"
    key_file.write_text(private)
    return key_file


@pytest.fixture
def erased(owner, security_key):
    owner.user.display_name = "Olivia Ortiz"
    owner.user.save(update_fields=["display_name"])
    with time_machine.travel(START, tick=False):
        erase_account(user=owner.user)
    return owner


@pytest.fixture
def court_order(make_operator):
    """P15: a recorded request naming Olivia, complied with: what an opening is made against."""
    return record_legal_request(
        operator=make_operator("legal", "lena").user,
        authority="District Court",
        reference="LR-2026-014",
        received_on=START.date(),
        scope="Sign-in records",
        accounts="olivia@example.com\nolivia",
        decision=LegalRequest.Decision.DISCLOSED,
        reason="Valid order",
    ).pk


@pytest.fixture
def sam(make_operator) -> str:
    """Sam from security, with an authenticator app (P25)."""
    return make_operator("security", "sam").user.username


def test_p09_erasure_seals_profile_and_login_data_for_the_security_team(erased, security_key):
    [archive] = find_archives("olivia@example.com")

    content = open_archive(archive, security_key.read_text())

    assert content["account"]["username"] == "olivia"
    assert content["profile"]["display_name"] == "Olivia Ortiz"
    assert find_archives("OLIVIA") == [archive]  # found by username too, case-insensitively
    assert b"olivia" not in bytes(archive.ciphertext)


def test_p09_nothing_the_service_holds_can_open_an_archive(erased, settings):
    [archive] = SealedArchive.objects.all()
    secrets = [settings.SECRET_KEY, *settings.TOKEN_ENCRYPTION_KEYS]
    for secret in secrets:
        as_key = base64.b64encode(hashlib.sha256(secret.encode()).digest()).decode()
        with pytest.raises(SealError):
            open_archive(archive, as_key)
    assert not hasattr(settings, "PRIVACY_ARCHIVE_PRIVATE_KEY")


def test_p09_p25_opening_needs_the_security_role_a_case_and_leaves_an_audit_entry(
    erased, security_key, sam, court_order
):
    make_user("mallory")
    args = ["olivia@example.com", "--private-key-file", str(security_key)]

    with pytest.raises(CommandError, match="does not hold the security role"):
        call_command(
            "open_sealed_archive",
            *args,
            "--operator",
            "mallory",
            "--request",
            str(court_order),
            "--reason",
            "curious",
        )
    assert not AuditEntry.objects.filter(role="security").exists()

    out = io.StringIO()
    call_command(
        "open_sealed_archive",
        *args,
        "--operator",
        sam,
        "--request",
        str(court_order),
        "--reason",
        "Court order 12/2026",
        stdout=out,
    )

    assert json.loads(out.getvalue())["account"]["email"] == "olivia@example.com"
    [entry] = AuditEntry.objects.filter(role="security")
    assert (entry.actor_name, entry.role, entry.case_reference) == (
        "sam",
        "security",
        "LR-2026-014",
    )
    assert entry.reason == f"legal request {court_order}: Court order 12/2026"
    [disclosure] = Disclosure.objects.all()
    assert (disclosure.legal_request_id, disclosure.kind) == (court_order, "sealed-archive")


def test_p09_a_wrong_private_key_is_refused_clearly(erased, tmp_path, sam, court_order):
    wrong = tmp_path / "wrong.key"
    wrong.write_text(new_key_pair()[0])

    with pytest.raises(CommandError, match="not sealed to that key"):
        call_command(
            "open_sealed_archive",
            "olivia",
            "--private-key-file",
            str(wrong),
            "--operator",
            sam,
            "--request",
            str(court_order),
            "--reason",
            "test",
        )
    assert not Disclosure.objects.exists()  # nothing was disclosed


def test_p09_archives_are_destroyed_after_two_years(erased):
    with time_machine.travel(START + dt.timedelta(days=729), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert SealedArchive.objects.count() == 1

    with time_machine.travel(START + dt.timedelta(days=731), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert not SealedArchive.objects.exists()
    assert find_archives("olivia@example.com") == []


def test_p34_audit_entries_go_after_their_period(erased, security_key, sam, court_order):
    with time_machine.travel(START, tick=False):
        call_command(
            "open_sealed_archive",
            "olivia",
            "--private-key-file",
            str(security_key),
            "--operator",
            sam,
            "--request",
            str(court_order),
            "--reason",
            "abuse report",
            stdout=io.StringIO(),
        )
    with time_machine.travel(START + dt.timedelta(days=1096), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())

    assert not AuditEntry.objects.filter(role="security").exists()
