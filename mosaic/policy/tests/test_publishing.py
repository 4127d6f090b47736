"""P14: a new version is announced at least 5 days ahead, emailed, and stays readable."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import make_user
from mosaic.policy.models import PolicyVersion
from mosaic.policy.services import NoticeTooShort, publish_version
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def publish(*args: str) -> str:
    out = io.StringIO()
    call_command("publish_policy", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_p14_a_version_with_less_than_5_days_notice_is_refused(lawyer):
    with pytest.raises(NoticeTooShort):
        publish_version(
            operator=lawyer,
            kind="privacy",
            effective_at=NOW + dt.timedelta(days=4, hours=23),
            summary="Shorter quarantine.",
        )
    with pytest.raises(CommandError, match="at least 5 days before it takes effect"):
        publish(
            "--kind", "privacy", "--effective", "2026-03-06", "--summary", "x", "--operator", "lena"
        )

    assert not PolicyVersion.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_p14_only_a_legal_operator_publishes_and_bad_input_is_refused(lawyer, owner):
    args = ["--kind", "privacy", "--summary", "Clearer wording."]
    with pytest.raises(CommandError, match="legal role"):
        publish(*args, "--effective", "2026-03-20", "--operator", owner.user.username)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        publish(*args, "--effective", "next week", "--operator", "lena")
    with pytest.raises(CommandError, match="no operator"):
        publish(*args, "--effective", "2026-03-20", "--operator", "nobody")
    with pytest.raises(CommandError, match="say what changed"):
        publish(
            "--kind", "terms", "--summary", "  ", "--effective", "2026-03-20", "--operator", "lena"
        )

    assert not PolicyVersion.objects.exists()


def test_p14_publishing_emails_every_user_shows_a_notice_until_it_takes_effect_and_keeps_it(
    lawyer, visitor, mailoutbox, settings, django_capture_on_commit_callbacks
):
    make_user("una")
    make_user("ulf", verified=False)
    settings.PRIVACY_QUARANTINE_DAYS = 180
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        output = publish(
            "--kind", "privacy", "--effective", "2026-03-09", "--operator", "lena",
            "--summary", "The quarantine after deleting an account is now 180 days.",
        )  # fmt: skip
        banner = visitor.get("/").content.decode()

    assert "Published privacy version 1, in effect from 2026-03-09" in output
    assert sorted(message.to[0] for message in mailoutbox) == [
        "lena@example.com",
        "ulf@example.com",
        "una@example.com",
    ]
    assert "version 1 takes effect on 2026-03-09" in mailoutbox[0].subject
    assert f"{settings.SITE_URL}/privacy/versions/1/" in mailoutbox[0].body
    assert "now 180 days" in mailoutbox[0].body
    assert "Our privacy policy changes on 9 March 2026" in banner
    assert AuditEntry.objects.filter(actor=lawyer, action="publish privacy policy").exists()

    settings.PRIVACY_QUARANTINE_DAYS = 30  # a later change must not rewrite what was published
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        banner_after = visitor.get("/").content.decode()
        frozen = visitor.get("/privacy/versions/1/").content.decode()
        listing = visitor.get("/privacy/versions/").content.decode()
        live = visitor.get("/privacy/").content.decode()

    assert "changes on" not in banner_after
    assert "180 days of quarantine" in frozen
    assert "now 180 days" in listing
    assert "Version 1, in effect since 9 March 2026" in live
    assert "30 days of quarantine" in live


@time_machine.travel(NOW, tick=False)
def test_p14_terms_have_their_own_numbering_and_history(lawyer, visitor):
    for day in ("2026-03-10", "2026-04-01"):
        publish(
            "--kind", "terms", "--effective", day, "--summary", f"From {day}.", "--operator", "lena"
        )

    listing = visitor.get("/terms/versions/").content.decode()

    assert list(PolicyVersion.objects.values_list("kind", "number")) == [("terms", 1), ("terms", 2)]
    assert "From 2026-03-10." in listing
    assert "From 2026-04-01." in listing
    assert "Fair use" in visitor.get("/terms/versions/2/").content.decode()
    assert visitor.get("/privacy/versions/2/").status_code == 404
