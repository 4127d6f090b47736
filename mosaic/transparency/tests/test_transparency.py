"""P26: the transparency report, per half-year, from the records themselves; history kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from mosaic.audit.registry import checks
from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.legal.services import record_legal_request
from mosaic.privacy.holds import block_account
from mosaic.transparency.models import TransparencyReport
from mosaic.transparency.services import half_year, publish_due

pytestmark = pytest.mark.django_db

SPRING = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
SPRING_DAY = SPRING.date()


def request(operator, *, kind, country, decision, accounts="olivia", received=SPRING_DAY):
    return record_legal_request(
        operator=operator,
        authority="Authority",
        reference=f"{kind}-{country}-{decision}",
        received_on=received,
        scope="Posts",
        kind=kind,
        country=country,
        accounts=accounts,
        decision=decision,
        reason="Reviewed",
    )


def test_half_years_run_january_to_june_and_july_to_december():
    assert half_year(dt.date(2026, 6, 30)) == (dt.date(2026, 1, 1), dt.date(2026, 7, 1))
    assert half_year(dt.date(2026, 7, 1)) == (dt.date(2026, 7, 1), dt.date(2027, 1, 1))


def test_p26_nothing_is_published_before_a_half_year_ends_then_its_figures_are(
    legal_operator, moderation_operator, owner, other_owner, visitor
):
    with time_machine.travel(SPRING, tick=False):
        complied = request(
            legal_operator.user,
            kind="court-order",
            country="DE",
            decision="disclosed",
            accounts="olivia\noscar",
        )
        request(legal_operator.user, kind="court-order", country="FR", decision="refused")
        request(legal_operator.user, kind="emergency", country="DE", decision="pending")
        Disclosure.objects.create(
            legal_request=complied, kind="sealed-archive", at=SPRING, target="sealed-archive:1"
        )
        block_account(operator=moderation_operator.user, user=other_owner.user, reason="Spam")
        assert publish_due() == []
        assert (
            "The first report will be published on 1 July 2026"
            in visitor.get("/transparency/").text
        )

    with time_machine.travel(dt.datetime(2026, 7, 1, 0, 30, tzinfo=dt.UTC), tick=False):
        [report] = publish_due()

    legal = report.figures["legal"]
    assert (legal["received"], legal["complied"], legal["refused"], legal["pending"]) == (
        3,
        1,
        1,
        1,
    )
    assert legal["complied_percent"] == 50  # of the two decided
    assert (legal["accounts_named"], legal["accounts_affected"], legal["disclosures"]) == (4, 2, 1)
    assert legal["by_kind"] == [["court-order", 2], ["emergency", 1]]
    assert legal["by_country"] == [["DE", 2], ["FR", 1]]
    assert report.figures["moderation"]["accounts_blocked"] == 1
    page = visitor.get("/transparency/").text
    assert "1 January 2026 to 30 June 2026" in page
    assert "court order" in page
    assert "olivia" not in page  # counts only
    assert "Authority" not in page


def test_p26_a_published_report_never_changes_and_past_periods_stay_readable(
    legal_operator, visitor
):
    with time_machine.travel(SPRING, tick=False):
        pending = request(legal_operator.user, kind="warrant", country="US", decision="pending")
    with time_machine.travel(dt.datetime(2026, 7, 2, tzinfo=dt.UTC), tick=False):
        call_command("publish_transparency_reports", stdout=io.StringIO())
    LegalRequest.objects.filter(pk=pending.pk).update(decision="disclosed")
    with time_machine.travel(dt.datetime(2026, 9, 1, tzinfo=dt.UTC), tick=False):
        request(legal_operator.user, kind="other", country="GB", decision="refused")
    with time_machine.travel(dt.datetime(2027, 1, 3, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("publish_transparency_reports", stdout=out)
        call_command("publish_transparency_reports", stdout=out)

    assert out.getvalue() == "published 2026-h2\n"
    first = TransparencyReport.objects.get(period_start=dt.date(2026, 1, 1))
    assert (first.figures["legal"]["pending"], first.figures["legal"]["complied"]) == (1, 0)
    latest = visitor.get("/transparency/").text
    assert "1 July 2026 to 31 December 2026" in latest
    assert 'href="/transparency/2026-h1/"' in latest
    assert "1 January 2026 to 30 June 2026" in visitor.get("/transparency/2026-h1/").text
    assert visitor.get("/transparency/2025-h2/").status_code == 404
    assert visitor.get("/transparency/2026-h3/").status_code == 404


def test_p26_the_page_names_each_country_in_the_readers_language_and_the_report_keeps_codes(
    legal_operator, visitor
):
    with time_machine.travel(SPRING, tick=False):
        request(legal_operator.user, kind="warrant", country="DE", decision="pending")
        request(legal_operator.user, kind="warrant", country="DE", decision="refused")
        request(legal_operator.user, kind="other", country="", decision="refused")
    with time_machine.travel(dt.datetime(2026, 7, 2, tzinfo=dt.UTC), tick=False):
        [report] = publish_due()

    assert report.figures["legal"]["by_country"] == [["DE", 2], ["??", 1]]
    english = visitor.get("/transparency/").text
    assert "<td>Germany</td><td>2</td>" in english
    assert "<td>Unknown Region</td><td>1</td>" in english
    assert "<td>DE</td>" not in english
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/transparency/").text
    assert "<td>Германия</td><td>2</td>" in russian
    assert "<td>Неизвестный регион</td><td>1</td>" in russian


def test_p26_the_self_audit_notices_an_ended_half_year_without_its_report(legal_operator):
    [check] = [c for c in checks() if c.promise == "P26"]
    with time_machine.travel(SPRING, tick=False):
        request(legal_operator.user, kind="other", country="DE", decision="pending")
    late = dt.datetime(2026, 7, 10, tzinfo=dt.UTC)

    assert check.run(late) == ["1 ended half-years without a published transparency report"]
    with time_machine.travel(late, tick=False):
        publish_due()
    assert check.run(late) == []
