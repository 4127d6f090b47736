"""P23, P29: promotional email is opt-in, recorded as a consent with its policy version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mosaic.consent.models import Consent
from mosaic.policy.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_p29_promotional_email_is_off_by_default_and_service_email_cannot_be_turned_off(owner):
    page = owner.client.get("/panel/email/").content.decode()

    assert 'name="promotional"' in page
    assert "checked" not in page
    assert "cannot be turned off" in page
    assert not Consent.objects.exists()


def test_p23_turning_promotional_email_on_records_who_what_when_and_which_policy(owner):
    version = PolicyVersion.objects.create(
        kind="privacy",
        number=1,
        published_at=timezone.now() - dt.timedelta(days=20),
        effective_at=timezone.now() - dt.timedelta(days=10),
        summary="First.",
        body="<p>policy</p>",
    )

    response = owner.client.post("/panel/email/", {"promotional": "on"})

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.user == owner.user
    assert consent.purpose == "promotional_email"
    assert consent.policy_version == version
    assert consent.given_via == "email_preferences"
    assert consent.withdrawn_at is None
    assert "checked" in owner.client.get("/panel/email/").content.decode()


def test_p23_turning_it_off_withdraws_the_consent_and_keeps_the_record_as_proof(owner):
    owner.client.post("/panel/email/", {"promotional": "on"})
    owner.client.post("/panel/email/", {"promotional": "on"})  # twice: still one consent

    owner.client.post("/panel/email/", {})

    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_via == "email_preferences"
    owner.client.post("/panel/email/", {"promotional": "on"})
    assert Consent.objects.active().count() == 1
    assert Consent.objects.count() == 2


def test_the_page_needs_a_signed_in_user(visitor):
    response = visitor.get("/panel/email/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
