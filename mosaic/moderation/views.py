"""The public "Report" form (C7, P11), linked from every page of a public site (no JavaScript),
and the appeal link emailed to the owner of a blocked account, who cannot sign in."""

from __future__ import annotations

from allauth.core import ratelimit
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mosaic.comments.models import Comment
from mosaic.moderation.emails import APPEAL_SALT
from mosaic.moderation.forms import AppealForm, ReportForm
from mosaic.moderation.models import ModerationAction
from mosaic.moderation.services import appeal, file_report
from mosaic.posts.models import Post
from mosaic.websites.models import Site


def _reported_post(site: Site, raw: str | None) -> Post | None:
    if not raw or not raw.isdigit() or len(raw) > 18:
        return None
    return Post.objects.filter(
        pk=int(raw), owner_id=site.owner_id, hidden_by_moderation_at__isnull=True
    ).first()


def _reported_comment(site: Site, raw: str | None) -> Comment | None:
    """A member's comment shown on the site's pages (``mosaic.comments``)."""
    if not raw or not raw.isdigit() or len(raw) > 18:
        return None
    return Comment.objects.shown().filter(pk=int(raw), site=site).first()


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, site_id: int) -> HttpResponse:
    """Anyone who can see a site can report it or one of its photos; a private site cannot be
    reported (it shows nobody anything), and a site already offline answers 404."""
    site = get_object_or_404(
        Site.objects.online()
        .exclude(visibility=Site.Visibility.PRIVATE)
        .filter(published__isnull=False),
        pk=site_id,
    )
    post = _reported_post(site, request.GET.get("photo"))
    comment = _reported_comment(site, request.GET.get("comment"))
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not ratelimit.consume(request, action="abuse_report"):
            form.add_error(None, _("Too many reports from here: please try again later."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            file_report(
                site=site,
                post=post,
                ground=data["ground"],
                details=data["details"],
                email=data["email"],
                comment=comment,
            )
            return render(request, "moderation/report_sent.html", {"site": site})
        else:
            status = 400
    context = {"form": form, "site": site, "post": post, "comment": comment}
    return render(request, "moderation/report.html", context, status=status)


@require_http_methods(["GET", "POST"])
def appeal_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The owner of a blocked account appeals through the signed link of the notice email."""
    try:
        action_id = signing.loads(token, salt=APPEAL_SALT)
    except signing.BadSignature:
        raise Http404 from None
    action = get_object_or_404(ModerationAction.objects.select_related("owner"), pk=action_id)
    form = AppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and action.may_appeal and form.is_valid():
        appeal(owner=action.owner, action=action, text=form.cleaned_data["text"])
        action.refresh_from_db()
    status = 400 if form.errors else 200
    return render(
        request, "moderation/appeal.html", {"action": action, "form": form}, status=status
    )
