"""P27: if the service changes hands, every user is notified, and the site says so."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from conftest import make_user
from mosaic.audit.registry import checks
from mosaic.controller.models import ControllerChange
from mosaic.policy.models import NoticeDelivery
from mosaic.policy.notices import send_batch
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db

CHANGES = "Example Ltd keeps the same privacy policy; support moves to help@example.com."


@pytest.fixture
def changes_file(tmp_path):
    path = tmp_path / "changes.txt"
    path.write_text(CHANGES, encoding="utf-8")
    return path


def announce(operator, changes_file, *extra, capture, execute=True):
    """Run the command; ``execute=False``: what waits for the commit (the batches) never runs."""
    out = io.StringIO()
    with capture(execute=execute):
        call_command(
            "announce_change_of_control",
            "--operator",
            operator.user.username,
            "--controller",
            "Example Ltd",
            "--effective",
            "2027-01-01",
            "--changes-file",
            str(changes_file),
            "--contact",
            "privacy@example.com",
            *extra,
            stdout=out,
        )
    return out.getvalue()


def test_p27_every_user_is_emailed_the_new_controller_and_what_changes_and_the_site_says_so(
    legal_operator, owner, other_owner, visitor, changes_file, django_capture_on_commit_callbacks
):
    output = announce(legal_operator, changes_file, capture=django_capture_on_commit_callbacks)

    told = sorted(message.to[0] for message in mail.outbox)
    assert told == sorted([owner.user.email, other_owner.user.email, legal_operator.user.email])
    message = mail.outbox[0]
    assert "Example Ltd" in message.subject
    assert CHANGES in message.body
    assert "privacy@example.com" in message.body
    assert "Announced the change to Example Ltd" in output
    page = visitor.get("/change-of-control/").text
    assert "Example Ltd" in page
    assert CHANGES in page
    assert "Mosaic is changing hands" in visitor.get("/privacy/").text  # a banner on every page
    entry = AuditEntry.objects.get(action="announce change of control")
    assert entry.actor == legal_operator.user


def test_p27_an_interrupted_announcement_continues_when_run_again_and_mails_nobody_twice(
    legal_operator, changes_file, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_BATCH_SIZE = 2
    for n in range(5):
        make_user(f"user{n}")
    # The first run is cut short: its queued batches never ran past the first one.
    announce(
        legal_operator, changes_file, capture=django_capture_on_commit_callbacks, execute=False
    )
    change = ControllerChange.objects.get()
    send_batch(notice=change.notice)
    assert NoticeDelivery.objects.count() == 2

    output = announce(
        legal_operator, changes_file, "--now", capture=django_capture_on_commit_callbacks
    )

    assert "Resumed the change to Example Ltd" in output
    assert "0 to go" in output
    assert NoticeDelivery.objects.count() == 6  # five users and the operator, once each
    assert ControllerChange.objects.count() == 1


def test_p27_the_self_audit_reports_an_announcement_that_stalled(
    legal_operator, owner, changes_file, django_capture_on_commit_callbacks
):
    [check] = [c for c in checks() if c.promise == "P27"]
    announce(
        legal_operator, changes_file, capture=django_capture_on_commit_callbacks, execute=False
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)

    [breach] = check.run(later)
    assert "2 users still to tell" in breach
    send_batch(notice=ControllerChange.objects.get().notice)
    with time_machine.travel(later):
        assert check.run(later) == []


def test_p27_only_legal_announces_and_bad_input_is_refused(
    support_operator, legal_operator, changes_file, tmp_path, django_capture_on_commit_callbacks
):
    with pytest.raises(CommandError, match="does not hold the legal role"):
        announce(support_operator, changes_file, capture=django_capture_on_commit_callbacks)
    empty = tmp_path / "empty.txt"
    empty.write_text("  ", encoding="utf-8")
    with pytest.raises(CommandError, match="say what changes"):
        announce(legal_operator, empty, capture=django_capture_on_commit_callbacks)
    with pytest.raises(CommandError, match="--effective"):
        call_command(
            "announce_change_of_control",
            "--operator",
            legal_operator.user.username,
            "--controller",
            "X",
            "--effective",
            "next week",
            "--changes-file",
            str(changes_file),
        )
    assert not ControllerChange.objects.exists()
    assert not mail.outbox
