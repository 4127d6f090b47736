# ruff: noqa: F811  (fixtures imported from the comments and websites tests)
"""A member's comment can be reported from the photo page, and moderation hides it (C7, P22)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from mosaic.comments import services as comments
from mosaic.comments.models import Comment
from mosaic.comments.tests.conftest import commenter, page_of  # noqa: F401 (a fixture)
from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.moderation.services import act_on_report, answer_appeal, appeal
from mosaic.websites import services
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _timing(settings):
    settings.MODERATION_REPORT_MIN_SECONDS = 0
    cache.clear()


@pytest.fixture
def commented(owner, commenter, commit):
    post = make_post(owner.user, "Sea")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
        comments.set_mode(site=site, mode="at-once")
        comments.acknowledge_notice(user=commenter.user)
        comment = comments.post_comment(
            user=commenter.user, site=site, post=post, text="Buy followers now"
        )
    site.refresh_from_db()
    return site, post, comment


def test_a_visitor_reports_a_comment_from_its_link_on_the_photo_page(commented, visitor):
    site, post, comment = commented
    page = page_of(visitor, site, post)
    link = f"/report/{site.pk}/?comment={comment.pk}"
    assert f'href="{link}"' in page
    form = visitor.get(link).text
    assert "Report a comment" in form
    assert "Buy followers now" in form
    started = re.search(r'name="started" value="([^"]+)"', form)
    assert started is not None
    answer = visitor.post(link, {"started": started.group(1), "ground": "spam"})
    assert "your report is sent" in answer.text
    report = AbuseReport.objects.get()
    assert report.comment == comment
    assert report.post is None


def test_a_hidden_comment_cannot_be_reported(commented, visitor, owner):
    site, _post, comment = commented
    comments.hide(owner=owner.user, comment=comment)
    assert "Report a comment" not in visitor.get(f"/report/{site.pk}/?comment={comment.pk}").text


def test_moderation_hides_a_reported_comment_its_author_may_appeal_and_it_comes_back(
    commented,
    moderation_operator,
    commenter,
    visitor,
    commit,
):
    site, post, comment = commented
    report = AbuseReport.objects.create(
        site=site, comment=comment, ground="spam", created_at=comment.created_at
    )
    with commit():
        action = act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind=ModerationAction.Kind.HIDE_COMMENT,
            ground="spam",
            reason="Advertising",
        )
    assert action.owner == commenter.user  # its author is told and may appeal
    [notice] = [m for m in mail.outbox if m.to == [commenter.user.email]]
    assert "Your comment on /olivia/ is hidden after a report." in notice.body
    assert "Advertising" in notice.body
    assert Comment.objects.get().status == "removed"
    assert "Buy followers now" not in page_of(visitor, site, post)
    # the owner cannot bring it back; only an appeal can
    assert not comments.approve(owner=site.owner, comment=Comment.objects.get())
    appeal(owner=commenter.user, action=action, text="It was a joke")
    with commit():
        answer_appeal(operator=moderation_operator.user, action=action, reverse=True, answer="Fair")
    assert "Buy followers now" in page_of(visitor, site, post)


def test_a_comment_action_on_a_report_about_no_comment_is_refused(commented, moderation_operator):
    site, post, _comment = commented
    report = AbuseReport.objects.create(
        site=site, post=post, ground="spam", created_at=_comment.created_at
    )
    with pytest.raises(ValueError, match="no comment"):
        act_on_report(
            operator=moderation_operator.user,
            report=report,
            kind=ModerationAction.Kind.HIDE_COMMENT,
            ground="spam",
            reason="x",
        )
