"""P15: nothing is disclosed to an authority without a recorded legal request that allows it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.legal.services import (
    NoLegalBasis,
    decide_legal_request,
    disclosure_basis,
    record_legal_request,
)
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db


def record(operator, *, decision="pending", accounts="olivia", **fields):
    return record_legal_request(
        operator=operator,
        authority=fields.pop("authority", "District Court"),
        reference=fields.pop("reference", "12/2026"),
        received_on=fields.pop("received_on", dt.date(2026, 3, 2)),
        scope="Sign-in records",
        kind=fields.pop("kind", LegalRequest.Kind.COURT_ORDER),
        country=fields.pop("country", "de"),
        legal_basis="StPO §100",
        accounts=accounts,
        decision=decision,
        reason=fields.pop("reason", "Reviewed"),
    )


def test_p15_a_request_records_who_what_and_whom_with_its_audit_entry(legal_operator):
    recorded = record(legal_operator.user, accounts="Olivia\nolivia@example.com, OLIVIA\n\n")

    assert recorded.account_identifiers == ["olivia", "olivia@example.com"]
    assert (recorded.accounts_count, recorded.country, recorded.decided_at) == (2, "DE", None)
    entry = AuditEntry.objects.get(target=f"legal-request:{recorded.pk}")
    assert (entry.actor, entry.action) == (legal_operator.user, "record legal request")


def test_p15_only_legal_records_requests(support_operator):
    with pytest.raises(PermissionDenied):
        record(support_operator.user)
    assert not LegalRequest.objects.exists()


def test_p15_a_request_is_decided_once_with_its_grounds(legal_operator):
    pending = record(legal_operator.user)

    assert decide_legal_request(
        operator=legal_operator.user,
        legal_request=pending,
        decision=LegalRequest.Decision.REFUSED,
        reason="Outside the court's jurisdiction",
    )
    again = decide_legal_request(
        operator=legal_operator.user, legal_request=pending, decision="disclosed", reason="x"
    )

    pending.refresh_from_db()
    assert again is False
    assert (pending.decision, pending.decision_reason) == (
        "refused",
        "Outside the court's jurisdiction",
    )
    assert AuditEntry.objects.filter(action__startswith="decide").count() == 1


@pytest.mark.parametrize(
    ("decision", "names", "message"),
    [
        ("pending", ["olivia"], "pending"),
        ("refused", ["olivia"], "refused"),
        ("disclosed", ["oscar"], "does not name this account"),
    ],
)
def test_p15_a_disclosure_needs_a_complied_request_naming_the_account(
    legal_operator, decision, names, message
):
    recorded = record(legal_operator.user, decision=decision)

    with pytest.raises(NoLegalBasis, match=message):
        disclosure_basis(request_id=recorded.pk, names=names)
    with pytest.raises(NoLegalBasis, match="no recorded legal request"):
        disclosure_basis(request_id="9999", names=["olivia"])
    with pytest.raises(NoLegalBasis, match="no recorded legal request"):
        disclosure_basis(request_id="1; drop table", names=["olivia"])


def test_p15_an_account_export_for_an_authority_is_refused_without_a_basis_and_counted_with_one(
    owner, legal_operator, tmp_path
):
    refused = record(legal_operator.user, decision="refused", reference="R-1")
    complied = record(legal_operator.user, decision="disclosed", reference="C-1")
    output = tmp_path / "disclosure.json"
    args = ["olivia", "--operator", legal_operator.user.username, "--output", str(output)]

    with pytest.raises(CommandError, match=r"P15: legal request \d+ is refused"):
        call_command("disclose_account_data", *args, "--request", str(refused.pk), "--reason", "x")
    assert not output.exists()
    assert not Disclosure.objects.exists()

    call_command(
        "disclose_account_data",
        *args,
        "--request",
        str(complied.pk),
        "--reason",
        "Order served",
        "--category",
        "account",
        stdout=io.StringIO(),
    )

    data = json.loads(output.read_text())
    assert list(data) == ["account"]
    assert data["account"]["username"] == "olivia"
    assert output.stat().st_mode & 0o777 == 0o600
    [disclosure] = Disclosure.objects.all()
    assert (disclosure.legal_request, disclosure.target) == (complied, f"account:{owner.user.pk}")
    entry = AuditEntry.objects.get(action__startswith="disclose")
    assert (entry.subject, entry.case_reference) == (owner.user, "C-1")


def test_p15_only_legal_exports_for_an_authority(owner, legal_operator, support_operator, tmp_path):
    complied = record(legal_operator.user, decision="disclosed")
    output = tmp_path / "out.json"

    with pytest.raises(CommandError, match="does not hold the legal role"):
        call_command(
            "disclose_account_data",
            "olivia",
            "--operator",
            support_operator.user.username,
            "--request",
            str(complied.pk),
            "--reason",
            "curious",
            "--output",
            str(output),
        )
    assert not output.exists()
    assert not Disclosure.objects.exists()
