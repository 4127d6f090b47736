"""What a legal operator clicks through: placing a hold on an account, then lifting it."""

from __future__ import annotations

import pytest

from conftest import sign_in_browser
from mosaic.privacy.models import LegalHold
from mosaic.staff.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_p10_a_legal_operator_places_and_lifts_a_hold(page, owner, legal_operator):
    sign_in_browser(page, legal_operator)  # with the authenticator code (P25)
    page.goto("/operators/")
    page.get_by_role("link", name="Legal: requests and holds").click()

    hold_form = page.locator("form", has=page.get_by_role("button", name="Place the hold"))
    hold_form.get_by_label("Account").fill("olivia")
    hold_form.get_by_label("Case reference").fill("LR-2026-031")
    hold_form.get_by_label("Reason").fill("Preservation order of the district court")
    hold_form.get_by_role("button", name="Place the hold").click()

    page.get_by_text("The hold is in place").wait_for()
    assert page.get_by_role("button", name="Lift hold LR-2026-031").is_visible()
    assert LegalHold.objects.get().user == owner.user

    page.get_by_label("Reason to lift").fill("The court lifted the order")
    page.get_by_role("button", name="Lift hold LR-2026-031").click()

    page.get_by_text("The hold is lifted.").wait_for()
    assert page.get_by_text("No hold is in place.").is_visible()
    assert not LegalHold.objects.get().is_active
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "view legal requests and holds",
        "place legal hold",
        "view legal requests and holds",
        "lift legal hold",
        "view legal requests and holds",
    ]
