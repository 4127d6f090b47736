"""The comment form on the app (P22): a static photo page links here, since it can carry
neither a sign-in nor a CSRF token. ``next`` only ever leads back to that photo's page."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.comments import services
from mosaic.comments.forms import CommentForm
from mosaic.comments.models import Comment
from mosaic.comments.site_sections import page_path
from mosaic.posts.models import Post
from mosaic.profiles.identity import public_identity
from mosaic.websites.models import Site


def back_to(site: Site, post: Post, asked: str | None) -> str:
    """Where "Back to the photo" leads: ``asked`` only if it is this photo's own page (no open
    redirect, not even to another page of Mosaic), else that page anyway."""
    page = page_path(site.slug, post.pk)
    return asked if asked == page else page


@login_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, site_id: int, post_id: int) -> HttpResponse:
    user = signed_in_user(request)
    site = get_object_or_404(Site.objects.live(), pk=site_id)
    post = get_object_or_404(Post.objects.filter(owner_id=site.owner_id), pk=post_id)
    back = back_to(site, post, request.GET.get("next"))
    context = {"site": site, "post": post, "back": back, "identity": public_identity(user)}
    if request.method == "POST" and "confirm_notice" in request.POST:
        services.acknowledge_notice(user=user)
        return redirect(f"{request.path}?next={back}")
    try:
        services.check_can_comment(user=user, site=site, post=post)
    except services.NoticeRequired:
        return render(request, "comments/notice.html", context)
    except services.CommentRefused as refusal:
        return render(
            request, "comments/refused.html", context | {"reason": refusal.message}, status=403
        )
    form = CommentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not ratelimit.consume(request, action="comment", user=user):
            form.add_error(None, _("You have written many comments just now: please wait a while."))
            status = 429
        elif form.is_valid():
            try:
                comment = services.post_comment(
                    user=user, site=site, post=post, text=form.cleaned_data["text"]
                )
            except services.CommentRefused as refusal:
                form.add_error("text", refusal.message)
                status = 400
            else:
                return render(request, "comments/sent.html", context | {"comment": comment})
        else:
            status = 400
    return render(request, "comments/write.html", context | {"form": form}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own comments, newest first, each with "Delete"."""
    comments = (
        Comment.objects.filter(author=signed_in_user(request))
        .select_related("site")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, 30).get_page(request.GET.get("page"))
    return render(request, "comments/mine.html", {"page": page})


@login_required
@require_POST
def delete_own(request: HttpRequest, comment_id: int) -> HttpResponse:
    user = signed_in_user(request)
    comment = get_object_or_404(Comment.objects.select_related("site"), pk=comment_id, author=user)
    services.delete(user=user, comment=comment)
    return redirect("comments:mine")
