# ruff: noqa: F811  (the commit fixture is imported from the websites tests)
"""Comments as personal data (P22, P20, P08): export, removal on erasure, the quarantine, the
self-audit line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.audit.tests.running import audit, line
from mosaic.comments import services
from mosaic.comments.models import Comment, CommenterBlock, CommentNotice
from mosaic.comments.tests.conftest import page_of
from mosaic.privacy.registry import category
from mosaic.privacy.services import erase_accounts
from mosaic.profiles.signals import send_identity_changed
from mosaic.websites.tests.conftest import commit  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def test_p20_the_export_holds_each_comment_with_site_post_text_time_and_state(
    commenter, photo_site
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    services.post_comment(user=commenter.user, site=site, post=post, text="Mine to take")
    data = json.loads(json.dumps(category("comments").export(commenter.user)))
    assert data["notice_confirmed_at"]
    [comment] = data["comments"]
    assert comment["site"] == "olivia"
    assert comment["post"] == post.pk
    assert comment["text"] == "Mine to take"
    assert comment["state"] == "published"
    assert comment["written_at"]


def test_p22_the_policy_page_says_comments_are_removed_not_anonymised(visitor, db):
    text = visitor.get("/privacy/").content.decode()
    assert "Comments" in text
    assert "they are removed, not kept under another" in text


def test_p08_a_deleted_commenter_leaves_the_page_at_once_and_is_erased_after_quarantine(
    commenter, photo_site, commit, visitor
):
    """Through the real deletion path: the account page, then the sweep past the quarantine."""
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    with commit():
        services.post_comment(user=commenter.user, site=site, post=post, text="Gone soon zq")
    assert "Gone soon zq" in page_of(visitor, site, post)
    client = commenter.sign_in(confirm=True)
    with time_machine.travel(START, tick=False), commit():
        client.post("/panel/data/delete-account/", {"username": commenter.user.username})
    assert "Gone soon zq" not in page_of(visitor, site, post)  # P08: offline at once
    assert Comment.objects.exists()  # restorable during the quarantine
    with time_machine.travel(START + dt.timedelta(days=181), tick=False), commit():
        call_command("privacy_sweep", stdout=None)
    assert not User.objects.filter(username="cora").exists()
    assert not Comment.objects.exists()
    assert not CommentNotice.objects.exists()
    assert "Gone soon zq" not in page_of(visitor, site, post)


def test_p08_erasing_commenters_deletes_their_comments_everywhere_and_rebuilds(
    commenter, owner, other_owner, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    services.acknowledge_notice(user=other_owner.user)
    with commit():
        services.post_comment(user=commenter.user, site=site, post=post, text="Cora was here")
        services.post_comment(user=other_owner.user, site=site, post=post, text="Oscar stays")
        services.block_commenter(owner=commenter.user, commenter=other_owner.user)
    assert "Cora was here" in page_of(visitor, site, post)
    User.objects.filter(pk=commenter.user.pk).update(scheduled_deletion_at=timezone.now())
    with commit():
        erase_accounts(users=[commenter.user])
    page = page_of(visitor, site, post)
    assert "Cora was here" not in page
    assert "Oscar stays" in page
    assert not CommenterBlock.objects.exists()


def test_p08_an_owners_erasure_takes_the_comments_on_their_sites(commenter, owner, photo_site):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    services.post_comment(user=commenter.user, site=site, post=post, text="On her site")
    User.objects.filter(pk=owner.user.pk).update(scheduled_deletion_at=timezone.now())
    erase_accounts(users=[owner.user])
    assert not Comment.objects.exists()
    assert CommentNotice.objects.filter(user=commenter.user).exists()  # Cora's own, kept


def commenters(photo_site, prefix: str, count: int) -> list[User]:
    site, post = photo_site
    users = []
    for number in range(count):
        user = make_user(f"{prefix}{number}")
        services.acknowledge_notice(user=user)
        services.post_comment(user=user, site=site, post=post, text=f"{prefix} {number}")
        users.append(user)
    return users


def test_p08_erasing_twenty_commenters_takes_as_many_queries_as_two(photo_site):
    few, many = commenters(photo_site, "few", 2), commenters(photo_site, "many", 20)
    counts = []
    for batch in (few, many):
        with CaptureQueriesContext(connection) as queries:
            category("comments").erase_all(batch)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not Comment.objects.exists()


def test_p22_a_changed_name_reaches_the_page_at_the_next_build(
    commenter, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    with commit():
        services.post_comment(user=commenter.user, site=site, post=post, text="Hello")
    assert "Cora Mill" in page_of(visitor, site, post)
    with commit():
        User.objects.filter(pk=commenter.user.pk).update(display_name="Cora Renamed")
        send_identity_changed([commenter.user.pk])
    page = page_of(visitor, site, post)
    assert "Cora Renamed" in page
    assert "Cora Mill" not in page


def test_p22_audit_line_is_ok_then_a_comment_without_the_notice_is_a_breach(commenter, photo_site):
    site, post = photo_site
    assert line(audit()[0], "P22").startswith("P22 ok: ")
    services.acknowledge_notice(user=commenter.user)
    services.post_comment(user=commenter.user, site=site, post=post, text="Told")
    assert line(audit()[0], "P22").startswith("P22 ok: ")
    # planted: a comment written before its author confirmed the notice (the old bug)
    Comment.objects.update(created_at=timezone.now() - dt.timedelta(days=1))
    lines, code = audit()
    assert code == 1
    assert line(lines, "P22") == (
        "P22 BREACH: 1 comments written without the notice confirmed first"
    )
