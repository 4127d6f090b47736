"""The owner's comments page of a site (``/panel/sites/<id>/comments/``): the choice (it
applies at once; the pages follow at their next build, asked for at once), the comments
waiting for approval, the others, and the people blocked from all the owner's sites."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.accounts.models import User
from mosaic.comments import services
from mosaic.comments.forms import ModeForm
from mosaic.comments.models import Comment, CommenterBlock
from mosaic.profiles.identity import PublicIdentity, public_identities
from mosaic.websites.models import Site

HELD_SHOWN = 100
PAGE_SIZE = 30


def owned_site(request: HttpRequest, site_id: int) -> Site:
    return get_object_or_404(Site.objects.live().filter(owner=signed_in_user(request)), pk=site_id)


def _with_authors(
    comments: list[Comment], names: Mapping[int, PublicIdentity]
) -> list[dict[str, object]]:
    return [{"comment": c, "author": names.get(c.author_id)} for c in comments]


@login_required
def moderation(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    comments = Comment.objects.filter(site=site).order_by("-created_at", "-pk")
    held = list(comments.filter(status=Comment.Status.HELD)[:HELD_SHOWN])
    page = Paginator(comments.exclude(status=Comment.Status.HELD), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    blocks = list(
        CommenterBlock.objects.filter(owner=site.owner).order_by("-created_at")[:HELD_SHOWN]
    )
    shown = [*held, *page.object_list]
    names = public_identities({c.author_id for c in shown} | {b.commenter_id for b in blocks})
    blocked = {b.commenter_id for b in blocks}
    context = {
        "site": site,
        "form": ModeForm(initial={"mode": services.mode_of(site)}, auto_id="comments-%s"),
        "held": _with_authors(held, names),
        "page": page,
        "others": _with_authors(list(page.object_list), names),
        "blocks": [{"block": b, "author": names.get(b.commenter_id)} for b in blocks],
        "blocked": blocked,
    }
    return render(request, "comments/panel/moderation.html", context)


@login_required
@require_POST
def save_mode(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    form = ModeForm(request.POST)
    if not form.is_valid():  # radio buttons: only a tampered form gets here
        return render(request, "400.html", status=400)
    services.set_mode(site=site, mode=form.cleaned_data["mode"])
    messages.success(request, _("Comment settings saved; they apply at once."))
    if request.POST.get("from") == "editor":
        return redirect(site.editor_url("comments"))
    return redirect("comments_panel:moderation", site_id=site.pk)


@login_required
@require_POST
def act(request: HttpRequest, site_id: int, comment_id: int, action: str) -> HttpResponse:
    site = owned_site(request, site_id)
    owner = signed_in_user(request)
    comment = get_object_or_404(Comment.objects.select_related("site"), pk=comment_id, site=site)
    if action == "approve":
        done = services.approve(owner=owner, comment=comment)
        text = _("Approved: the comment appears on the page in a minute.")
    elif action == "hide":
        done = services.hide(owner=owner, comment=comment)
        text = _("Hidden: the comment leaves the page in a minute.")
    elif action == "delete":
        services.delete(user=owner, comment=comment)
        done, text = True, _("Deleted.")
    elif action == "block":
        if comment.author_id == owner.pk:
            raise Http404
        author = User.objects.get(pk=comment.author_id)
        done = services.block_commenter(owner=owner, commenter=author)
        text = _("Blocked: this person can no longer comment on any of your sites.")
    else:
        raise Http404
    if done:
        messages.success(request, text)
    else:
        messages.info(request, _("Nothing to do: the comment changed meanwhile."))
    return redirect("comments_panel:moderation", site_id=site.pk)


@login_required
@require_POST
def unblock(request: HttpRequest, site_id: int, commenter_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    if services.unblock_commenter(owner=signed_in_user(request), commenter_id=commenter_id):
        messages.success(request, _("Unblocked: this person can comment again."))
    return redirect("comments_panel:moderation", site_id=site.pk)
