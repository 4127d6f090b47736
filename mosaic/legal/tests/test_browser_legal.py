"""What legal, security and a reader click through (P15, P26): legal records a request,
security opens a sealed archive against it, and the next transparency report counts it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import sign_in_browser
from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.lib.sealing import new_key_pair
from mosaic.privacy.services import erase_account
from mosaic.transparency.services import half_year, publish_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_p15_p26_a_request_recorded_by_legal_opens_an_archive_and_is_counted_in_the_next_report(
    page, browser, live_server, owner, legal_operator, security_operator, settings, tmp_path
):
    private, public = new_key_pair()
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = public
    key_file = tmp_path / "security.key"
    key_file.write_text(private)
    erase_account(user=owner.user)  # Olivia's profile and login data now live sealed (P09)
    today = timezone.localdate()

    # Legal records the request before anything is disclosed.
    sign_in_browser(page, legal_operator)
    page.goto("/operators/legal/")
    form = page.locator("form", has=page.get_by_role("button", name="Record the request"))
    form.get_by_label("Authority").fill("Amtsgericht Berlin-Tiergarten")
    form.get_by_label("Their reference").fill("LR-2026-044")
    form.get_by_label("Kind").select_option(label="court order")
    form.get_by_label("Country").fill("DE")
    form.get_by_label("Legal basis").fill("§ 100g StPO")
    form.get_by_label("Received on").fill(today.isoformat())
    form.get_by_label("What it asks for").fill("Profile and sign-in records of one account")
    form.get_by_label("Accounts concerned").fill("olivia@example.com")
    form.get_by_label(re.compile("^Decision")).select_option(label="complied with")
    form.get_by_label("Grounds for the decision").fill("A valid order of a competent court")
    form.get_by_role("button", name="Record the request").click()
    page.get_by_text(re.compile(r"Legal request \d+ is recorded")).wait_for()
    number = LegalRequest.objects.get().pk

    # Security opens the archive against that request (offline, with the private key).
    with pytest.raises(CommandError, match="does not name this account"):
        call_command(
            "open_sealed_archive",
            "someone-else@example.com",
            "--operator",
            security_operator.user.username,
            "--request",
            str(number),
            "--reason",
            "x",
            "--private-key-file",
            str(key_file),
        )
    out = io.StringIO()
    call_command(
        "open_sealed_archive",
        "olivia@example.com",
        "--operator",
        security_operator.user.username,
        "--request",
        str(number),
        "--reason",
        "Court order LR-2026-044",
        "--private-key-file",
        str(key_file),
        stdout=out,
    )
    assert json.loads(out.getvalue())["account"]["username"] == "olivia"
    page.reload()
    page.get_by_text("sealed archive opened").wait_for()
    assert Disclosure.objects.get().legal_request_id == number

    # The half-year ends; its report is published and counts the request and the disclosure.
    day_after = half_year(today)[1] + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(day_after, dt.time(3), tzinfo=dt.UTC)):
        [report] = publish_due()
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto("/transparency/")
    reader.get_by_role("heading", name=re.compile(r"to 3\d December|to 30 June")).wait_for()
    figures = dict(
        zip(
            reader.locator("dl.meta dt").all_inner_texts(),
            reader.locator("dl.meta dd").all_inner_texts(),
            strict=True,
        )
    )
    assert figures["Requests received"] == "1"
    assert figures["Complied with, fully or in part"].startswith("1 (100%")
    assert figures["Disclosures made"] == "1"
    assert reader.get_by_role("cell", name="court order", exact=True).is_visible()
    assert reader.get_by_role("cell", name="Germany", exact=True).is_visible()  # stored as DE
    assert "olivia" not in reader.content()
    assert report.figures["legal"]["accounts_affected"] == 1
    reader.context.close()
