"""The site editor in the owner's panel (``/panel/sites/``). Thin: forms check, services act.

Edits to the design, links, avatar and the choice of posts are a draft, shown in the preview
until "Publish"; address, visibility and the search switch apply at once (P21, P31).
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from mosaic.accounts.decorators import sensitive_action, signed_in_user
from mosaic.photos.models import Photo
from mosaic.photos.services import PhotoRejected
from mosaic.posts.models import Post, PostItem
from mosaic.websites import search, services, sharing
from mosaic.websites.content import draft_snapshot, has_unpublished_changes
from mosaic.websites.forms import (
    AltTextForm,
    AvatarForm,
    ContactForm,
    DeleteSiteForm,
    DesignForm,
    LinkForm,
    NewSiteForm,
    PostLinkForm,
    SearchForm,
    SettingsForm,
    SocialsForm,
)
from mosaic.websites.models import Site, SiteLink, SitePost
from mosaic.websites.render import SiteRenderer, Target
from mosaic.websites.serving import TYPES, clean_path, media_response


def owned_site(request: HttpRequest, site_id: int, *, deleted: bool = False) -> Site:
    sites = Site.objects.filter(owner=signed_in_user(request))
    if not deleted:
        sites = sites.live()
    return get_object_or_404(sites, pk=site_id)


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NewSiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.create_site(
                owner=user, slug=form.cleaned_data["slug"], title=form.cleaned_data["title"]
            )
        except services.SlugTaken:
            form.add_error("slug", _("This address is taken. Please choose another."))
        except services.PlanLimitReached as limit:
            form.add_error(
                None,
                _("Your plan allows %(limit)s sites. Upgrade for more, or delete one first.")
                % {"limit": limit.limit},
            )
        else:
            messages.success(
                request,
                _(
                    "Your site is ready as a draft. Make it yours, then publish: until then its "
                    "address shows nothing."
                ),
            )
            return redirect(site.editor_url("design"))
    sites = Site.objects.filter(owner=user).order_by("created_at")
    return render(
        request,
        "websites/panel/list.html",
        {"sites": sites, "form": form},
        status=400 if form.errors else 200,
    )


def _link_form(link: SiteLink, data: QueryDict | None = None) -> LinkForm:
    """The form that edits one link in place (its own ids, so several fit on one page)."""
    initial = {
        "label": link.label,
        "url": link.url,
        "starts_at": link.starts_at,
        "ends_at": link.ends_at,
    }
    return LinkForm(data, initial=initial, auto_id=f"link-{link.pk}-%s", zone=link.site.timezone)


#: The editor's folds (``<details>``), each opened by the form whose errors it shows.
FOLD_OF_FORM = {
    "design": "design",
    "avatar_form": "avatar",
    "link_form": "links",
    "socials_form": "socials",
    "contact_form": "contact",
    "search_form": "search",
    "settings_form": "settings",
}
FOLDS = {*FOLD_OF_FORM.values(), "photos", "directory", "comments", "download", "delete"}


def _open_fold(request: HttpRequest, edited: object, forms: dict[str, object]) -> str:
    """The one fold shown open: the one whose form has errors, else the one just saved
    (``?open=``, from ``Site.editor_url``); none on a plain visit, so the page is a list."""
    for name in forms:
        if name in FOLD_OF_FORM:
            return FOLD_OF_FORM[name]
    if edited:
        return "links"
    asked = request.GET.get("open", "")
    return asked if asked in FOLDS else ""


def _editor(
    request: HttpRequest,
    site: Site,
    *,
    status: int = 200,
    edited: tuple[int, LinkForm] | None = None,
    **forms: object,
) -> HttpResponse:
    now = timezone.now()
    links = list(site.links.order_by("position", "id"))
    for link in links:
        link.state = link.schedule_state(now)  # type: ignore[attr-defined]
    context = {
        "site": site,
        "design": forms.get("design") or DesignForm(instance=site),
        "settings_form": forms.get("settings_form")
        or SettingsForm(
            initial={
                "slug": site.slug,
                "visibility": site.visibility,
                "hide_from_search": site.hide_from_search,
                "language": site.language,
                "time_zone": site.timezone,
            },
            site=site,
        ),
        "link_form": forms.get("link_form") or LinkForm(zone=site.timezone),
        "socials_form": forms.get("socials_form") or SocialsForm(initial=site.socials),
        "contact_form": forms.get("contact_form") or ContactForm(initial=site.contact),
        "avatar_form": forms.get("avatar_form") or AvatarForm(),
        "search_form": forms.get("search_form")
        or SearchForm(
            initial={
                "title": site.search.get("title", ""),
                "description": site.search.get("description", ""),
                "image": site.search.get("image") or "",
            },
            owner_id=site.owner_id,
            auto_id="search_%s",  # the design form has a "title" too
        ),
        "share_photos": _share_photos(site),
        "links": [
            (link, edited[1] if edited and edited[0] == link.pk else _link_form(link))
            for link in links
        ],
        "editing_link": edited[0] if edited else None,
        "open": _open_fold(request, edited, forms),
        "unpublished": has_unpublished_changes(site),
        "site_address": sharing.site_address(site),
    }
    return render(request, "websites/panel/edit.html", context, status=status)


def _label(photo: Photo, number: int) -> str:
    """A share photo's name: the start of its post's caption, else its number."""
    item = next(iter(photo.post_items.all()), None)
    caption = " ".join(item.post.caption.split()) if item else ""
    if caption:
        return Truncator(caption).chars(50)
    return _("Photo %(number)d") % {"number": number}


def _share_photos(site: Site) -> list[dict[str, object]]:
    """The photos a share image is chosen from, each with a small thumbnail through the
    owner-checked preview route (never a public address, P31) and a name for screen readers."""
    choices = []
    for number, photo in enumerate(search.share_photos(site.owner_id), start=1):
        smallest = next((v for v in photo.variants if v.format == "webp"), None) or next(
            iter(photo.variants), None
        )
        if smallest is None:
            continue
        choices.append(
            {
                "id": photo.pk,
                "thumb": reverse(
                    "websites:preview_file", args=[site.pk, f"_media/{smallest.name}"]
                ),
                "width": smallest.width,
                "height": smallest.height,
                "label": _label(photo, number),
            }
        )
    return choices


@login_required
def edit(request: HttpRequest, site_id: int) -> HttpResponse:
    return _editor(request, owned_site(request, site_id))


def _draft_saved(request: HttpRequest, site: Site, fold: str) -> HttpResponse:
    """Back to the editor (the section saved unfolded) after a draft edit, saying what it
    means."""
    messages.success(request, _("Saved as a draft. Check the preview, then publish."))
    return redirect(site.editor_url(fold))


@login_required
@require_POST
def save_design(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    form = DesignForm(request.POST, instance=site)
    if not form.is_valid():
        site.refresh_from_db()
        return _editor(request, site, status=400, design=form)
    form.save()
    return _draft_saved(request, site, "design")


@login_required
@require_POST
def save_socials(request: HttpRequest, site_id: int) -> HttpResponse:
    """The social icons: a draft, like the design (shown once published)."""
    site = owned_site(request, site_id)
    form = SocialsForm(request.POST)
    if not form.is_valid():
        return _editor(request, site, status=400, socials_form=form)
    services.set_socials(site=site, addresses=form.addresses())
    return _draft_saved(request, site, "socials")


@login_required
@require_POST
def save_contact(request: HttpRequest, site_id: int) -> HttpResponse:
    """The contact card's fields: a draft, like the design (published with the site)."""
    site = owned_site(request, site_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _editor(request, site, status=400, contact_form=form)
    services.set_contact(site=site, fields=form.cleaned_data)
    return _draft_saved(request, site, "contact")


@login_required
@require_POST
def save_search(request: HttpRequest, site_id: int) -> HttpResponse:
    """Search and sharing settings: a draft, like the design (shown once published)."""
    site = owned_site(request, site_id)
    form = SearchForm(request.POST, owner_id=site.owner_id, auto_id="search_%s")
    if not form.is_valid():
        return _editor(request, site, status=400, search_form=form)
    services.set_search(site=site, settings=form.settings())
    return _draft_saved(request, site, "search")


@login_required
@require_POST
def save_settings(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    form = SettingsForm(request.POST, site=site)
    if form.is_valid():
        try:
            services.update_settings(site=site, **form.cleaned_data)
        except services.SlugTaken:
            form.add_error("slug", _("This address is taken. Please choose another."))
        else:
            messages.success(request, _("Settings saved; they apply at once."))
            return redirect(site.editor_url("settings"))
    return _editor(request, site, status=400, settings_form=form)


@login_required
@require_POST
def add_link(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    form = LinkForm(request.POST, zone=site.timezone)
    if not form.is_valid():
        return _editor(request, site, status=400, link_form=form)
    if site.links.count() >= 20:
        form.add_error(None, _("A site can have at most 20 links."))
        return _editor(request, site, status=400, link_form=form)
    services.add_link(site=site, **form.cleaned_data)
    return redirect(site.editor_url("links"))


@login_required
@require_POST
def link_action(request: HttpRequest, site_id: int, link_id: int, action: str) -> HttpResponse:
    site = owned_site(request, site_id)
    link = get_object_or_404(SiteLink, pk=link_id, site=site)
    if action == "delete":
        link.delete()
    elif action == "edit":
        form = _link_form(link, request.POST)
        if not form.is_valid():
            return _editor(request, site, status=400, edited=(link.pk, form))
        services.update_link(link=link, **form.cleaned_data)
        messages.success(request, _("Link saved (draft)."))
    elif action in ("up", "down"):
        services.move_link(link=link, up=action == "up")
    else:
        raise Http404
    return redirect(site.editor_url("links"))


def _ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("ids") if value.isdigit()][:1000]


@login_required
@require_POST
def order_links(request: HttpRequest, site_id: int) -> HttpResponse:
    """The order after a drag and drop (``static/mosaic/panel.js``); ↑/↓ work without it."""
    site = owned_site(request, site_id)
    services.order_links(site=site, link_ids=_ids(request))
    return HttpResponse(status=204)


@login_required
@require_POST
def order_posts(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    services.order_posts(site=site, post_ids=_ids(request))
    return HttpResponse(status=204)


@login_required
@require_POST
def avatar(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    if "remove" in request.POST:
        services.choose_avatar(site=site, photo=None)
        return redirect(site.editor_url("avatar"))
    if "photo_id" in request.POST:
        photo_id = request.POST["photo_id"]
        photo = Photo.objects.filter(
            pk=int(photo_id) if photo_id.isdigit() else 0,
            owner=site.owner,
            post_items__isnull=False,
        ).first()
        if photo is None:
            messages.error(request, _("That photo is not one of yours."))
        else:
            services.choose_avatar(site=site, photo=photo)
            messages.success(request, _("Avatar chosen (draft)."))
        return redirect(_photos_url(site, _page_asked(request)))
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            services.upload_avatar(site=site, source=upload, filename=upload.name or "")
        except PhotoRejected as rejected:
            form.add_error("photo", capfirst(rejected.reason))
        else:
            messages.success(request, _("Avatar uploaded (draft)."))
            return redirect(site.editor_url("avatar"))
    return _editor(request, site, status=400, avatar_form=form)


@login_required
@require_POST
def publish(request: HttpRequest, site_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    services.publish(site=site)
    messages.success(request, _("Published. Your site is updating now."))
    return redirect("websites:edit", site_id=site.pk)


def _photos_url(site: Site, page: int | str | None = None, post_id: int | None = None) -> str:
    """The photos page at ``page`` (the first without one), scrolled to ``post_id``."""
    url = reverse("websites:posts", args=[site.pk])
    if page and str(page) != "1":
        url += "?" + urlencode({"page": page})
    return url + (f"#post-{post_id}" if post_id else "")


def _page_asked(request: HttpRequest) -> int:
    """The page a form came from (its hidden ``page`` field), as a number; 1 if none or bad."""
    value = request.POST.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@login_required
@require_safe
def posts(request: HttpRequest, site_id: int) -> HttpResponse:
    """The photos page: the owner's posts in the draft's order, ``PHOTOS_PER_PAGE`` at a time.
    A ``?page=`` that is not a number shows the first page, one past the end the last."""
    site = owned_site(request, site_id)
    snapshot = draft_snapshot(site)
    paginator = Paginator(services.editor_order(site), services.PHOTOS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "websites/panel/posts.html",
        {
            "site": site,
            "page_obj": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
            "posts": services.posts_by_ids(site, list(page.object_list)),
            "hidden": set(snapshot["hidden"]),
            "pinned": set(snapshot["pinned"]),
            "linked": {int(post_id) for post_id in snapshot.get("post_links", {})},
        },
    )


@login_required
@require_POST
def post_action(request: HttpRequest, site_id: int, post_id: int, action: str) -> HttpResponse:
    site = owned_site(request, site_id)
    post = get_object_or_404(Post, pk=post_id, owner=site.owner)
    if action in ("hide", "show"):
        services.set_choice(site=site, post=post, hidden=action == "hide")
    elif action in ("pin", "unpin"):
        services.set_choice(site=site, post=post, pinned=action == "pin")
    elif action in ("up", "down"):
        services.move_post(site=site, post=post, up=action == "up")
    elif action == "remove":
        services.remove_post(post=post)
        messages.success(request, _("The post and its files are deleted; your sites are updating."))
        return redirect(_photos_url(site, _page_asked(request)))
    else:
        raise Http404
    # Back to the post where it is now (pinning or moving it can take it to another page).
    return redirect(_photos_url(site, services.editor_page_of(site, post.pk), post.pk))


@login_required
def post_link(request: HttpRequest, site_id: int, post_id: int) -> HttpResponse:
    """The post's outside link on this site (draft, like everything on the photos page)."""
    site = owned_site(request, site_id)
    post = get_object_or_404(Post.objects.with_items(), pk=post_id, owner=site.owner)
    choice = SitePost.objects.filter(site=site, post=post).first()
    back = reverse("websites:posts", args=[site.pk]) + f"#post-{post.pk}"
    form = PostLinkForm(
        request.POST or None,
        initial={"url": choice.link_url, "label": choice.link_label} if choice else None,
    )
    if request.method == "POST" and "remove" in request.POST:
        services.set_post_link(site=site, post=post, url="")
        messages.success(request, _("Link removed (draft)."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        services.set_post_link(
            site=site, post=post, url=form.cleaned_data["url"], label=form.cleaned_data["label"]
        )
        messages.success(request, _("Link saved (draft). Publish to show it."))
        return redirect(back)
    return render(
        request,
        "websites/panel/post_link.html",
        {"site": site, "post": post, "form": form, "has_link": bool(choice and choice.link_url)},
        status=400 if form.errors else 200,
    )


def _alt_url(site: Site, *, page: str = "", missing: bool = False, item_id: int = 0) -> str:
    query = urlencode({k: v for k, v in (("missing", "1" if missing else ""), ("page", page)) if v})
    anchor = f"#photo-{item_id}" if item_id else ""
    return reverse("websites:alt_texts", args=[site.pk]) + (f"?{query}" if query else "") + anchor


def _alt_page(
    request: HttpRequest, site: Site, *, edited: tuple[int, AltTextForm] | None = None
) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    missing = source.get("missing") == "1"
    paginator = Paginator(
        services.photos_for_alt_text(site=site, missing=missing), services.ALT_PER_PAGE
    )
    page = paginator.get_page(source.get("page"))
    items = list(page.object_list)
    rows = [
        (
            item,
            edited[1]
            if edited and edited[0] == item.pk
            else AltTextForm(initial={"text": item.alt}, auto_id=f"alt-{item.pk}-%s"),
            # where to come back to: in the "without" list a saved photo leaves it
            items[index + 1].pk if missing and index + 1 < len(items) else item.pk,
        )
        for index, item in enumerate(items)
    ]
    without = services.photos_for_alt_text(site=site, missing=True).count()
    return render(
        request,
        "websites/panel/alt.html",
        {
            "site": site,
            "rows": rows,
            "page_obj": page,
            "missing": missing,
            "without": without,
            "newer": _alt_url(site, page=str(page.number - 1), missing=missing)
            if page.has_previous()
            else "",
            "older": _alt_url(site, page=str(page.number + 1), missing=missing)
            if page.has_next()
            else "",
        },
        status=400 if edited else 200,
    )


@login_required
@require_safe
def alt_texts(request: HttpRequest, site_id: int) -> HttpResponse:
    """Alt text of every photo, ``ALT_PER_PAGE`` at a time; ``?missing=1``: only the photos
    without the owner's own (the caption's first sentence stands in)."""
    return _alt_page(request, owned_site(request, site_id))


@login_required
@require_POST
def save_alt_text(request: HttpRequest, site_id: int, item_id: int) -> HttpResponse:
    site = owned_site(request, site_id)
    item = get_object_or_404(
        PostItem.objects.select_related("post"),
        pk=item_id,
        post__owner=site.owner,
        photo__isnull=False,
    )
    form = AltTextForm(request.POST, auto_id=f"alt-{item.pk}-%s")
    if not form.is_valid():
        return _alt_page(request, site, edited=(item.pk, form))
    services.set_alt_text(item=item, text=form.cleaned_data["text"])
    if form.cleaned_data["text"]:
        messages.success(request, _("Alt text saved; your sites are updating."))
    else:
        messages.success(request, _("The caption's first sentence stands in again."))
    missing = request.POST.get("missing") == "1"
    back = request.POST.get("back", "")
    return redirect(
        _alt_url(
            site,
            page=request.POST.get("page", ""),
            missing=missing,
            item_id=int(back) if back.isdigit() else item.pk,
        )
    )


@login_required
@require_POST
def remove_item(request: HttpRequest, site_id: int, item_id: int) -> HttpResponse:
    """P07: delete one photo of a post from the panel, at any time."""
    site = owned_site(request, site_id)
    item = get_object_or_404(PostItem, pk=item_id, post__owner=site.owner)
    services.remove_item(item=item)
    messages.success(request, _("The photo is deleted; your sites are updating."))
    return redirect(_photos_url(site, _page_asked(request)))


@login_required
@require_safe
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]
def preview(request: HttpRequest, site_id: int, path: str = "") -> HttpResponseBase:
    """The draft, rendered on request, for the editor's phone-sized frame (owner only)."""
    site = owned_site(request, site_id)
    if path.startswith("_media/"):
        return media_response(request, site, path.removeprefix("_media/"))
    name = clean_path(path)
    if name is None:
        raise Http404
    renderer = SiteRenderer(site=site, snapshot=draft_snapshot(site), target=Target("guarded"))
    if name.startswith("assets/"):
        name = f"assets/{renderer.css_name}"  # the draft's colours, whatever the hash asked
    content = renderer.render(name)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=TYPES.get("." + name.rsplit(".", 1)[-1]))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_safe
def share(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's address to copy, as a QR code, and the preview a chat app shows for it."""
    site = owned_site(request, site_id)
    preview = None if site.is_private else sharing.chat_preview(site)
    context = {"site": site, "site_address": sharing.site_address(site), "preview": preview}
    response = render(request, "websites/panel/share.html", context)
    if preview and preview.image_origin:  # public photos served by a CDN
        response._csp_update = {"img-src": [preview.image_origin]}  # type: ignore[attr-defined]
    return response


@login_required
@require_safe
def share_qr(request: HttpRequest, site_id: int, kind: str) -> HttpResponse:
    """The QR code of the site's address, to download (``qr.svg`` or ``qr.png``)."""
    site = owned_site(request, site_id)
    if kind not in sharing.QR_TYPES:
        raise Http404
    code = sharing.qr_code(sharing.site_address(site), "svg" if kind == "svg" else "png")
    response = HttpResponse(code, content_type=sharing.QR_TYPES[kind])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{site.slug}-qr.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def export(request: HttpRequest, site_id: int) -> FileResponse:
    site = owned_site(request, site_id)
    return FileResponse(
        services.export_zip(site=site),
        as_attachment=True,
        filename=f"{site.slug}.zip",
        content_type="application/zip",
    )


@sensitive_action
def delete(request: HttpRequest, site_id: int) -> HttpResponse:
    """P07, P32: delete the whole site after re-authentication."""
    site = owned_site(request, site_id)
    form = DeleteSiteForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        services.delete_site(site=site)
        messages.success(
            request,
            _("The site %(slug)s is offline and its files are deleted.") % {"slug": site.slug},
        )
        return redirect("websites:list")
    return render(
        request,
        "websites/panel/delete.html",
        {"site": site, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def restore(request: HttpRequest, site_id: int) -> HttpResponse:
    """P08: bring a deleted site back during its quarantine."""
    site = owned_site(request, site_id, deleted=True)
    if services.restore_site(site=site):
        messages.success(request, _("The site is back online."))
    return redirect("websites:list")
