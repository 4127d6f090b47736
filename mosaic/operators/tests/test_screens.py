"""C7, P25: operator screens by role; each action is audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from mosaic.legal.models import LegalRequest
from mosaic.moderation.models import ModerationAction
from mosaic.privacy.archives import seal_account
from mosaic.privacy.corrections import file_correction_request
from mosaic.privacy.models import AccountBlock, LegalHold
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db

SCREENS = {
    "/operators/corrections/": "support",
    "/operators/archives/": "security",
    "/operators/legal/": "legal",
    "/operators/moderation/": "moderation",
}
START = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


def prefixed(prefix: str, data: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}-{name}": value for name, value in data.items()}


@pytest.mark.parametrize("url", ["/operators/", "/operators/audit/", *SCREENS])
def test_p25_the_screens_do_not_exist_for_people_who_are_not_operators(url, owner, visitor):
    assert owner.client.get(url).status_code == 404
    assert visitor.get(url).status_code == 404


@pytest.mark.parametrize(("url", "role"), SCREENS.items())
def test_p25_each_screen_is_for_its_role_only(url, role, make_operator):
    for other in {"support", "security", "legal", "moderation"} - {role}:
        assert make_operator(other).client.get(url).status_code == 403
    assert make_operator(role).client.get(url).status_code == 200


def test_p25_the_index_links_only_the_operators_own_screens(legal_operator):
    page = legal_operator.client.get("/operators/").text
    assert "/operators/legal/" in page
    assert "/operators/corrections/" not in page


def test_p33_open_corrections_are_listed_by_deadline_with_the_overdue_marked(
    owner, other_owner, support_operator
):
    with time_machine.travel(START, tick=False):
        late = file_correction_request(user=owner.user, what="old name", correction="new")
    with time_machine.travel(START + dt.timedelta(days=20), tick=False):
        file_correction_request(user=other_owner.user, what="zip", correction="code")
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        page = support_operator.client.get("/operators/corrections/").text

    assert page.index("olivia") < page.index("oscar")
    assert page.count('class="overdue"') == 1  # olivia's; oscar's deadline is ahead
    assert f'href="/operators/corrections/{late.pk}/"' in page
    assert "old name" not in page  # the list shows no more than needed to pick one up


def test_p33_support_answers_a_request_and_the_user_is_emailed(
    owner, support_operator, django_capture_on_commit_callbacks
):
    item = file_correction_request(user=owner.user, what="Wrong city", correction="Riga")
    url = f"/operators/corrections/{item.pk}/"

    page = support_operator.client.get(url).text
    assert "Wrong city" in page
    invalid = support_operator.client.post(url, {"status": "open", "resolution": "x"})
    assert invalid.status_code == 200
    assert "Select a valid choice" in invalid.text
    with django_capture_on_commit_callbacks(execute=True):
        done = support_operator.client.post(url, {"status": "corrected", "resolution": "Fixed."})

    assert done["Location"] == "/operators/corrections/"
    item.refresh_from_db()
    assert (item.status, item.resolution, item.resolved_by) == (
        "corrected",
        "Fixed.",
        support_operator.user,
    )
    [answer] = mail.outbox
    assert answer.to == ["olivia@example.com"]
    assert "Fixed." in answer.body
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor_name"))
    assert actions == [
        ("read correction request", "sam"),
        ("resolve correction request: corrected", "sam"),
    ]


def test_p15_legal_records_a_request_and_refuses_a_bad_one(legal_operator):
    good = {
        "authority": "District Court",
        "reference": "12/2026",
        "received_on": "2026-01-05",
        "scope": "Sign-in records of one account",
        "kind": "court-order",
        "country": "de",
        "legal_basis": "StPO 100",
        "accounts": "olivia",
        "period_start": "2025-12-01",
        "period_end": "2025-12-31",
        "decision": "pending",
        "reason": "Awaiting review",
    }
    bad_fields = {
        "received_on": ("2999-01-01", "cannot be in the future"),
        "country": ("D1", "two-letter country code"),
        "accounts": (" \n , ", "Name at least one account"),
        "period_end": ("2025-11-01", "ends before it starts"),
        "kind": ("<script>", "Select a valid choice"),
    }
    for field, (value, message) in bad_fields.items():
        bad = legal_operator.client.post(
            "/operators/legal/requests/", prefixed("request", {**good, field: value})
        )
        assert bad.status_code == 400
        assert message in bad.text
    assert not LegalRequest.objects.exists()

    answer = legal_operator.client.post("/operators/legal/requests/", prefixed("request", good))

    [recorded] = LegalRequest.objects.all()
    assert answer.url == f"/operators/legal/requests/{recorded.pk}/"
    assert (recorded.recorded_by, recorded.country, recorded.kind) == (
        legal_operator.user,
        "DE",
        "court-order",
    )
    assert AuditEntry.objects.get(action="record legal request").case_reference == "12/2026"


def test_p15_legal_reads_a_request_and_decides_it_once(legal_operator):
    from mosaic.legal.services import record_legal_request

    item = record_legal_request(
        operator=legal_operator.user,
        authority="Police",
        reference="P-7",
        received_on=dt.date(2026, 5, 1),
        scope="Posts",
        accounts="olivia",
        decision="pending",
        reason="New",
    )
    url = f"/operators/legal/requests/{item.pk}/"
    page = legal_operator.client.get(url)
    assert "olivia" in page.text
    assert AuditEntry.objects.filter(action="read legal request").count() == 1

    no_reason = legal_operator.client.post(url, {"decision": "refused", "reason": " "})
    assert no_reason.status_code == 400
    legal_operator.client.post(url, {"decision": "refused", "reason": "No jurisdiction"})

    item.refresh_from_db()
    assert (item.decision, item.decision_reason) == ("refused", "No jurisdiction")
    assert "No jurisdiction" in legal_operator.client.get(url).text


def test_p10_legal_places_and_lifts_a_hold_through_the_screen(owner, legal_operator):
    client = legal_operator.client
    missing = client.post(
        "/operators/legal/holds/",
        prefixed("hold", {"identifier": "nobody", "case_reference": "C", "reason": "r"}),
    )
    assert missing.status_code == 400
    assert "No account or sealed archive" in missing.text

    client.post(
        "/operators/legal/holds/",
        prefixed("hold", {"identifier": "olivia", "case_reference": "LR-9", "reason": "Order"}),
    )
    [hold] = LegalHold.objects.all()
    assert hold.user == owner.user
    assert hold.is_active
    no_reason = client.post(f"/operators/legal/holds/{hold.pk}/lift/", {"reason": " "})
    assert no_reason.status_code == 302
    hold.refresh_from_db()
    assert hold.is_active

    client.post(f"/operators/legal/holds/{hold.pk}/lift/", {"reason": "Case closed"})
    hold.refresh_from_db()
    assert not hold.is_active


def test_p10_moderation_blocks_and_unblocks_through_the_screen(owner, moderation_operator):
    client = moderation_operator.client
    assert (
        client.post("/operators/moderation/", {"identifier": "max", "reason": "r"}).status_code
        == 400
    )
    no_ground = {"identifier": "olivia@example.com", "reason": "Spam"}
    assert client.post("/operators/moderation/", no_ground).status_code == 400
    client.post("/operators/moderation/", {**no_ground, "ground": "spam"})
    [block] = AccountBlock.objects.all()
    owner.user.refresh_from_db()
    assert not owner.user.is_active
    assert ModerationAction.objects.get().reason == "Spam"  # shown to the owner, who may appeal

    client.post(f"/operators/moderation/{block.pk}/unblock/", {"reason": "Appeal"})
    owner.user.refresh_from_db()
    assert owner.user.is_active
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "block account",
        "unblock account",
    ]


def test_p09_security_looks_up_an_archive_for_a_case_and_the_lookup_is_audited(
    owner, security_operator
):
    archive = seal_account(user=owner.user)
    client = security_operator.client
    refused = client.post("/operators/archives/", {"identifier": "olivia", "reason": "x"})
    assert "This field is required" in refused.text
    assert not AuditEntry.objects.exists()

    page = client.post(
        "/operators/archives/",
        {"identifier": "olivia@example.com", "case_reference": "LR-1", "reason": "Court order"},
    ).text

    assert f"Archive {archive.pk}" in page
    assert "LR-1" in page  # the audit trail on the same page
    assert AuditEntry.objects.get().action == "look up sealed archive"
    assert b"olivia" not in bytes(archive.ciphertext)
