"""P25: operators need a second factor, screens with personal data are audited, and security
reads the action log filtered by operator, account and period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from conftest import make_user
from mosaic.privacy.corrections import file_correction_request
from mosaic.privacy.holds import block_account, place_hold
from mosaic.staff.models import AuditEntry
from mosaic.staff.services import record_action

pytestmark = pytest.mark.django_db

LISTS = {
    "/operators/corrections/": ("support", "view correction requests"),
    "/operators/legal/": ("legal", "view legal requests and holds"),
    "/operators/moderation/": ("moderation", "view abuse reports, blocked accounts and appeals"),
}


def test_p25_an_operator_without_a_second_factor_is_sent_to_set_one_up(make_operator):
    operator = make_operator("legal")
    Authenticator.objects.filter(user=operator.user).delete()
    recovery_only = Authenticator.objects.create(
        user=operator.user, type=Authenticator.Type.RECOVERY_CODES, data={}
    )

    for url in ("/operators/", "/operators/legal/", "/operators/audit/"):
        response = operator.client.get(url)
        assert response.status_code == 403
        assert "/accounts/2fa/totp/activate/" in response.text
    with pytest.raises(PermissionDenied, match="second factor"):
        record_action(actor=operator.user, role="legal", action="x", target="t:1", reason="r")
    assert recovery_only.pk
    assert not AuditEntry.objects.exists()


def test_p25_somebody_with_a_second_factor_but_no_role_still_gets_404(owner, make_operator):
    operator = make_operator("legal")
    operator.user.groups.clear()
    assert operator.client.get("/operators/").status_code == 404
    assert operator.client.get("/operators/audit-log/").status_code == 404


@pytest.mark.parametrize(("url", "role_and_action"), LISTS.items())
def test_p25_opening_a_screen_that_lists_personal_data_is_audited(
    url, role_and_action, make_operator
):
    role, action = role_and_action
    operator = make_operator(role)

    assert operator.client.get(url).status_code == 200
    assert operator.client.get(url).status_code == 200

    entries = AuditEntry.objects.filter(actor=operator.user, action=action)
    assert entries.count() == 2
    assert {entry.target for entry in entries} == {f"screen:{url}"}


def test_p25_the_audit_log_is_for_security_only(make_operator):
    for role in ("support", "legal", "moderation"):
        assert make_operator(role).client.get("/operators/audit-log/").status_code == 403


def test_p25_security_filters_the_log_by_operator_account_and_period(
    owner, other_owner, legal_operator, moderation_operator, security_operator
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        place_hold(
            operator=legal_operator.user,
            identifier="olivia",
            case_reference="LR-1",
            reason="court order 17",
        )
    with time_machine.travel(dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC), tick=False):
        block_account(operator=moderation_operator.user, user=other_owner.user, reason="spam run")
        block_account(operator=moderation_operator.user, user=owner.user, reason="phishing page")
    log = security_operator.client

    by_operator = log.get("/operators/audit-log/", {"operator": "LENA"}).text
    assert "court order 17" in by_operator
    assert "spam run" not in by_operator
    by_account = log.get("/operators/audit-log/", {"account": "olivia@example.com"}).text
    assert "court order 17" in by_account
    assert "phishing page" in by_account
    assert "spam run" not in by_account
    in_may = log.get("/operators/audit-log/", {"since": "2026-05-01", "until": "2026-05-31"})
    assert "spam run" in in_may.text
    assert "phishing page" in in_may.text
    assert "court order 17" not in in_may.text

    reads = AuditEntry.objects.filter(action="view audit log").order_by("pk")
    assert [entry.reason for entry in reads] == [
        "filter: operator=LENA",
        "filter: account=olivia@example.com",
        "filter: since=2026-05-01, until=2026-05-31",
    ]
    assert reads[1].subject == owner.user


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"account": "nobody-here"}, "No account answers to this."),
        ({"since": "2026-06-01", "until": "2026-05-01"}, "The period ends before it starts."),
        ({"since": "yesterday"}, "Enter a valid date."),
        ({"operator": "x" * 151}, "Ensure this value has at most 150 characters"),
    ],
)
def test_p25_a_bad_filter_is_explained_and_nothing_is_recorded(query, error, security_operator):
    response = security_operator.client.get("/operators/audit-log/", query)
    assert response.status_code == 400
    assert error in response.text
    assert not AuditEntry.objects.filter(action="view audit log").exists()


def test_p25_the_log_pages_through_many_entries(security_operator, make_operator):
    support = make_operator("support")
    item = file_correction_request(user=make_user("uma"), what="a", correction="b")
    for _ in range(120):
        record_action(
            actor=support.user,
            role="support",
            action="read correction request",
            target=f"correction-request:{item.pk}",
            reason="answer it",
        )
    first = security_operator.client.get("/operators/audit-log/", {"operator": "support-operator"})
    assert first.text.count("read correction request") == 100  # newest first
    assert "Page 1 of 2" in first.text
    second = security_operator.client.get(
        "/operators/audit-log/", {"operator": "support-operator", "page": "2"}
    )
    assert second.text.count("read correction request") == 20
    assert security_operator.client.get("/operators/audit-log/?page=zzz").status_code == 200
    assert Group.objects.filter(name="security").exists()
