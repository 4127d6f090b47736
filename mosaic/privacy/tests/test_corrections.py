"""P20, P33: users correct what they gave themselves; the rest is a request answered in time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from mosaic.jobs.registry import registered_jobs
from mosaic.privacy.corrections import resolve_correction_request
from mosaic.privacy.models import CorrectionRequest

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)


def reminder_job():
    [job] = [job for job in registered_jobs() if job.name == "privacy.correction_reminders"]
    return job


def test_p20_the_user_corrects_their_username_and_display_name(owner, other_owner):
    taken = owner.client.post(
        "/panel/data/profile/", {"username": "oscar", "display_name": "Olivia"}
    )
    assert "already" in taken.text
    bad = owner.client.post("/panel/data/profile/", {"username": "no spaces!", "display_name": ""})
    assert bad.status_code == 200

    owner.client.post("/panel/data/profile/", {"username": "olivia2", "display_name": "Olivia K"})

    owner.user.refresh_from_db()
    assert (owner.user.username, owner.user.display_name) == ("olivia2", "Olivia K")
    assert "/panel/data/profile/" in owner.client.get("/panel/data/").text


def test_p33_a_correction_request_is_filed_with_a_thirty_day_deadline(owner, settings):
    empty = owner.client.post("/panel/data/correction/", {"what": " ", "correction": "x"})
    assert "This field is required" in empty.text
    too_long = owner.client.post("/panel/data/correction/", {"what": "x" * 2001, "correction": "x"})
    assert "at most 2000 characters" in too_long.text
    assert not CorrectionRequest.objects.exists()

    with time_machine.travel(START, tick=False):
        response = owner.client.post(
            "/panel/data/correction/",
            {"what": "My city is wrong in my bio export", "correction": "Tartu"},
        )

    assert response["Location"] == "/panel/data/"
    [item] = CorrectionRequest.objects.all()
    assert item.deadline == START + dt.timedelta(days=30)
    page = owner.client.get("/panel/data/").text
    assert "answer by 31 Jul 2026" in page


def test_p33_support_is_reminded_daily_from_a_week_before_the_deadline(
    owner, support_operator, make_operator, django_capture_on_commit_callbacks
):
    make_operator("legal")  # not support: gets no reminder
    with time_machine.travel(START, tick=False):
        owner.client.post("/panel/data/correction/", {"what": "Elm Street 5", "correction": "b"})
    job = reminder_job()
    assert job.every == dt.timedelta(days=1)

    def run(day: float) -> list[str]:
        mail.outbox.clear()
        moment = START + dt.timedelta(days=day)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            job.task.call()
        return [address for message in mail.outbox for address in message.to]

    assert run(22) == []  # 8 days before the deadline
    assert run(23.1) == ["sam@example.com"]
    assert run(23.5) == []  # once a day at most
    assert run(24.1) == ["sam@example.com"]
    assert run(35) == ["sam@example.com"]  # overdue: still reminded
    assert "overdue" in mail.outbox[0].body
    assert "Elm Street" not in mail.outbox[0].body  # the screen shows it, not the email


def test_p33_an_answered_request_is_no_longer_reminded_and_the_user_sees_the_answer(
    owner, support_operator, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        owner.client.post("/panel/data/correction/", {"what": "a", "correction": "b"})
    item = CorrectionRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        resolve_correction_request(
            operator=support_operator.user,
            correction_request=item,
            status="declined",
            resolution="We hold no such data.",
        )
    [answer] = mail.outbox
    assert "could not make the change" in answer.body

    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        assert reminder_job().task.call() == 0
    assert "We hold no such data." in owner.client.get("/panel/data/").text


def test_p20_correction_requests_are_exported_and_erased(owner):
    from mosaic.privacy.registry import category

    owner.client.post("/panel/data/correction/", {"what": "w", "correction": "c"})
    corrections = category("corrections")
    assert corrections.export(owner.user)[0]["what_is_wrong"] == "w"
    assert corrections.erase(owner.user) == 1
