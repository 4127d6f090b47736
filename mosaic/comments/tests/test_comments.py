# ruff: noqa: F811  (the commit fixture is imported from the websites tests)
"""Comments (C10, P22): the owner's choice, the notice, writing, refusals, the rebuilt pages."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from mosaic.comments import services
from mosaic.comments.models import Comment, CommenterBlock, CommentNotice
from mosaic.comments.tests.conftest import page_of
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import commit, make_post  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def write_url(site, post) -> str:
    return f"/comments/{site.pk}/{post.pk}/new/?next=/{site.slug}/p/{post.pk}/"


def test_p22_the_first_comment_waits_for_the_notice_which_shows_the_name(commenter, photo_site):
    site, post = photo_site
    response = commenter.client.get(write_url(site, post))
    text = response.content.decode()
    assert "Before your first comment" in text
    assert "Cora Mill" in text  # the name shown with every comment
    assert 'name="text"' not in text
    # sending a comment without the notice is refused and writes nothing
    commenter.client.post(write_url(site, post), {"text": "Hello"})
    assert not Comment.objects.exists()
    commenter.client.post(write_url(site, post), {"confirm_notice": "1"})
    notice = CommentNotice.objects.get(user=commenter.user)
    assert notice.display_name == "Cora Mill"
    assert 'name="text"' in commenter.client.get(write_url(site, post)).content.decode()


def test_p22_a_comment_posted_at_once_is_on_the_rebuilt_page_with_name_and_date(
    commenter, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    with commit():
        response = commenter.client.post(
            write_url(site, post), {"text": "Lovely <b>light</b>\nsecond line"}
        )
    assert response.status_code == 200
    assert "in a minute" in response.content.decode()
    page = page_of(visitor, site, post)
    assert "Cora Mill" in page
    assert "Lovely &lt;b&gt;light&lt;/b&gt;<br>second line" in page  # escaped, breaks kept
    assert "<b>light</b>" not in page
    assert "<script" not in page.split('<section class="comments"')[1].split("</section>")[0]
    assert f'href="/comments/{site.pk}/{post.pk}/new/?next=%2Folivia%2Fp%2F{post.pk}%2F"' in page
    assert "Write a comment" in page


def test_a_site_with_comments_off_shows_no_section_and_refuses(
    commenter, owner, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    with commit():
        services.set_mode(site=site, mode="off")
    assert "Write a comment" not in page_of(visitor, site, post)
    response = commenter.client.post(write_url(site, post), {"text": "Hi"})
    assert response.status_code == 403
    assert "does not take comments" in response.content.decode()
    assert not Comment.objects.exists()


def test_hold_for_approval_keeps_it_off_the_page_until_the_owner_approves(
    commenter, owner, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    services.set_mode(site=site, mode="hold")
    with commit():
        response = commenter.client.post(write_url(site, post), {"text": "Held words"})
    assert "once they approve" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == "held"
    assert "Held words" not in page_of(visitor, site, post)
    moderation = owner.client.get(f"/panel/sites/{site.pk}/comments/").content.decode()
    assert "Held words" in moderation
    assert "Cora Mill" in moderation
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/comments/{comment.pk}/approve/")
    assert "Held words" in page_of(visitor, site, post)
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/comments/{comment.pk}/hide/")
    assert "Held words" not in page_of(visitor, site, post)
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/comments/{comment.pk}/delete/")
    assert not Comment.objects.exists()


def test_another_owner_cannot_moderate_or_see_the_comments(commenter, other_owner, photo_site):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    comment = services.post_comment(user=commenter.user, site=site, post=post, text="Mine")
    assert other_owner.client.get(f"/panel/sites/{site.pk}/comments/").status_code == 404
    response = other_owner.client.post(f"/panel/sites/{site.pk}/comments/{comment.pk}/hide/")
    assert response.status_code == 404
    assert other_owner.client.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert Comment.objects.get().status == "published"


def test_a_blocked_commenter_is_refused_on_every_site_of_the_owner_until_unblocked(
    commenter, owner, photo_site, commit
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    services.set_mode(site=site, mode="hold")
    held = services.post_comment(user=commenter.user, site=site, post=post, text="Again")
    owner.client.post(f"/panel/sites/{site.pk}/comments/{held.pk}/block/")
    assert CommenterBlock.objects.filter(owner=owner.user, commenter=commenter.user).exists()
    held.refresh_from_db()
    assert held.status == "hidden"  # what waited is not published later by mistake
    with commit():
        second = Site.objects.create(owner=owner.user, slug="olivia-two", title="Two")
        from mosaic.websites import services as websites

        websites.publish(site=second)
        services.set_mode(site=second, mode="at-once")
    response = commenter.client.post(write_url(second, post), {"text": "Elsewhere"})
    assert response.status_code == 403
    assert "does not take comments from you" in response.content.decode()
    owner.client.post(f"/panel/sites/{site.pk}/comments/blocked/{commenter.user.pk}/unblock/")
    services.post_comment(user=commenter.user, site=second, post=post, text="Back")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("private", "does not take comments"),
        ("unpublished", "does not take comments"),
        ("blocked site", "does not take comments"),
        ("hidden post", "does not take comments"),
        ("moderated post", "does not take comments"),
        ("blocked account", "cannot write comments"),
    ],
)
def test_comments_are_refused_where_nobody_may_see_them(
    commenter, owner, photo_site, change, message
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    from django.utils import timezone

    if change == "private":
        Site.objects.filter(pk=site.pk).update(visibility="private")
    elif change == "unpublished":
        Site.objects.filter(pk=site.pk).update(published=None)
    elif change == "blocked site":
        Site.objects.filter(pk=site.pk).update(blocked_at=timezone.now())
    elif change == "hidden post":
        site.published["hidden"] = [post.pk]
        Site.objects.filter(pk=site.pk).update(published=site.published)
    elif change == "moderated post":
        post.hidden_by_moderation_at = timezone.now()
        post.save(update_fields=["hidden_by_moderation_at"])
    else:
        type(commenter.user).objects.filter(pk=commenter.user.pk).update(is_active=False)
    site.refresh_from_db()
    post.refresh_from_db()
    commenter.user.refresh_from_db()
    with pytest.raises(services.CommentRefused, match=message):
        services.post_comment(user=commenter.user, site=site, post=post, text="Hi")


def test_p11_text_refusals_each_with_its_reason(commenter, photo_site, settings):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    settings.COMMENTS_MAX_LENGTH = 60
    cases = {
        "   ": "Write something first",
        "x" * 61: "at most 60 characters",
        "see https://a.example and www.b.example": "at most 1 link",
        "buy at cheap.ru now http://x.example": "at most 1 link",
        "nul\0byte": "cannot be shown",
    }
    for text, reason in cases.items():
        with pytest.raises(services.CommentRefused, match=reason):
            services.post_comment(user=commenter.user, site=site, post=post, text=text)
    settings.COMMENTS_MAX_LENGTH = 6000
    services.post_comment(user=commenter.user, site=site, post=post, text="one https://a.example")
    assert Comment.objects.count() == 1


def test_p11_the_honeypot_refuses_a_robot(commenter, photo_site):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    response = commenter.client.post(write_url(site, post), {"text": "Hi", "website": "x"})
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert not Comment.objects.exists()


def test_p11_comments_are_rate_limited_per_account(commenter, photo_site, settings):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    from allauth.account import app_settings

    limits = dict(app_settings.RATE_LIMITS) | {"comment": "2/h/user"}
    settings.ACCOUNT_RATE_LIMITS = limits
    codes = [
        commenter.client.post(write_url(site, post), {"text": f"n{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Comment.objects.count() == 2
    # another account is not slowed down by Cora's comments
    other = Client()
    other.force_login(make_user("dan"))
    services.acknowledge_notice(user=type(commenter.user).objects.get(username="dan"))
    assert other.post(write_url(site, post), {"text": "mine"}).status_code == 200


def test_the_form_requires_sign_in_and_comes_back_after_it(photo_site, visitor):
    site, post = photo_site
    response = visitor.get(write_url(site, post))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/comments/")


@pytest.mark.parametrize(
    "asked",
    ["https://evil.example/", "//evil.example/", "/olivia/", "/olivia/p/999999/", "javascript:x"],
)
def test_next_only_ever_leads_back_to_the_photo(commenter, photo_site, asked):
    site, post = photo_site
    response = commenter.client.get(f"/comments/{site.pk}/{post.pk}/new/", {"next": asked})
    text = response.content.decode()
    assert f'href="/olivia/p/{post.pk}/"' in text
    assert f'href="{asked}"' not in text


def test_the_author_deletes_their_comment_and_the_page_is_rebuilt(
    commenter, photo_site, commit, visitor
):
    site, post = photo_site
    services.acknowledge_notice(user=commenter.user)
    with commit():
        comment = services.post_comment(user=commenter.user, site=site, post=post, text="Oops")
    assert "Oops" in page_of(visitor, site, post)
    assert "Oops" in commenter.client.get("/comments/mine/").content.decode()
    with commit():
        commenter.client.post(f"/comments/{comment.pk}/delete/")
    assert not Comment.objects.exists()
    assert "Oops" not in page_of(visitor, site, post)


def test_a_comment_on_a_post_of_another_owner_is_not_found(commenter, photo_site, other_owner):
    site, _post = photo_site
    stranger = make_post(other_owner.user, "Not on this site")
    response = commenter.client.get(f"/comments/{site.pk}/{stranger.pk}/new/")
    assert response.status_code == 404


def test_the_editor_shows_the_comment_choice_and_saves_it(owner, photo_site):
    site, _post = photo_site
    editor = owner.client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert 'id="comments-heading"' in editor
    assert f'action="/panel/sites/{site.pk}/comments/settings/"' in editor
    response = owner.client.post(
        f"/panel/sites/{site.pk}/comments/settings/", {"mode": "hold", "from": "editor"}
    )
    assert response["Location"] == f"/panel/sites/{site.pk}/?open=comments#comments"
    assert services.mode_of(site) == "hold"
    assert (
        owner.client.post(
            f"/panel/sites/{site.pk}/comments/settings/", {"mode": "everyone"}
        ).status_code
        == 400
    )
