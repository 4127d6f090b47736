"""The owner's collections pages (``/panel/sites/<id>/collections/``), linked from the site
editor. Thin: ``CollectionForm`` checks, ``collection_services`` acts; every change is a draft
until the site is published. Works without JavaScript (↑/↓ are forms)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.websites import collection_services as curate
from mosaic.websites import services
from mosaic.websites.collection import MAX_PER_SITE
from mosaic.websites.content import draft_snapshot, has_unpublished_changes
from mosaic.websites.forms import CollectionForm
from mosaic.websites.models import Collection, Site
from mosaic.websites.panel_views import owned_site

#: Posts offered for adding, per page (like the photos page).
CHOICES_PER_PAGE = services.PHOTOS_PER_PAGE


def _saved(request: HttpRequest, text: str = "") -> None:
    messages.success(request, text or _("Saved as a draft. Publish to show it on your site."))


def _list_page(
    request: HttpRequest, site: Site, form: CollectionForm | None = None
) -> HttpResponse:
    kept = list(
        Collection.objects.filter(site=site)
        .annotate(count=Count("entries"))
        .order_by("position", "id")
    )
    return render(
        request,
        "websites/panel/collections.html",
        {
            "site": site,
            "collections": [(row, row.count) for row in kept],
            "form": form or CollectionForm(site_id=site.pk),
            "full": len(kept) >= MAX_PER_SITE,
            "unpublished": has_unpublished_changes(site),
        },
        status=400 if form is not None else 200,
    )


@login_required
def collections(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's collections, in order, and a form to make one."""
    site = owned_site(request, site_id)
    if request.method != "POST":
        return _list_page(request, site)
    form = CollectionForm(request.POST, site_id=site.pk)
    if not form.is_valid():
        return _list_page(request, site, form)
    try:
        kept = curate.create_collection(
            site=site, title=form.cleaned_data["title"], name=form.cleaned_data["name"]
        )
    except curate.Refused as refused:
        form.add_error(None, str(refused))
        return _list_page(request, site, form)
    _saved(request, _("Collection made (draft). Now choose its photos."))
    return redirect("websites:collection", site_id=site.pk, collection_id=kept.pk)


def _owned(request: HttpRequest, site_id: int, collection_id: int) -> tuple[Site, Collection]:
    site = owned_site(request, site_id)
    return site, get_object_or_404(Collection, pk=collection_id, site=site)


@login_required
@require_POST
def collection_action(
    request: HttpRequest, site_id: int, collection_id: int, action: str
) -> HttpResponse:
    """↑/↓ in the order, the home page's link on or off, or delete."""
    site, kept = _owned(request, site_id, collection_id)
    if action in ("up", "down"):
        curate.move_collection(kept=kept, up=action == "up")
    elif action in ("home", "unhome"):
        curate.show_on_home(kept=kept, shown=action == "home")
        _saved(request)
    elif action == "delete":
        curate.delete_collection(kept=kept)
        _saved(request, _("Collection deleted (draft). Its photos stay on your site."))
    else:
        raise Http404
    return redirect(reverse("websites:collections", args=[site.pk]) + f"#collection-{kept.pk}")


def _page(
    request: HttpRequest, site: Site, kept: Collection, *, form: CollectionForm | None = None
) -> HttpResponse:
    entries = list(kept.entries.values_list("post_id", flat=True))
    present = set(entries)
    offered = [pk for pk in services.editor_order(site) if pk not in present]
    paginator = Paginator(offered, CHOICES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "websites/panel/collection.html",
        {
            "site": site,
            "kept": kept,
            "form": form
            or CollectionForm(
                initial={"title": kept.title, "name": kept.name},
                site_id=site.pk,
                exclude_id=kept.pk,
            ),
            "posts": services.posts_by_ids(site, entries),
            "offered": services.posts_by_ids(site, list(page.object_list)),
            "page_obj": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
            "hidden": set(draft_snapshot(site)["hidden"]),
            "unpublished": has_unpublished_changes(site),
            # its public page, once a publish made it (under the name it was published with)
            "live": any(
                data.get("name") == kept.name
                for data in (site.published or {}).get("collections", [])
            ),
        },
        status=400 if form is not None else 200,
    )


@login_required
def collection(request: HttpRequest, site_id: int, collection_id: int) -> HttpResponse:
    """One collection: its title and name, its posts in order, and the posts to add."""
    site, kept = _owned(request, site_id, collection_id)
    if request.method != "POST":
        return _page(request, site, kept)
    form = CollectionForm(request.POST, site_id=site.pk, exclude_id=kept.pk)
    if not form.is_valid():
        return _page(request, site, kept, form=form)
    try:
        curate.rename_collection(
            kept=kept, title=form.cleaned_data["title"], name=form.cleaned_data["name"]
        )
    except curate.Refused as refused:
        form.add_error(None, str(refused))
        return _page(request, site, kept, form=form)
    _saved(request)
    return redirect("websites:collection", site_id=site.pk, collection_id=kept.pk)


@login_required
@require_POST
def add_posts(request: HttpRequest, site_id: int, collection_id: int) -> HttpResponse:
    site, kept = _owned(request, site_id, collection_id)
    ids = [int(value) for value in request.POST.getlist("posts") if value.isdigit()][:1000]
    url = reverse("websites:collection", args=[site.pk, kept.pk])
    try:
        added = curate.add_posts(kept=kept, post_ids=ids)
    except curate.Refused as refused:
        messages.error(request, str(refused))
        return redirect(url)
    if added:
        _saved(request)
    else:
        messages.error(request, _("Choose at least one photo to add."))
    return redirect(url + ("#collection-posts" if added else "#add-heading"))


@login_required
@require_POST
def post_action(
    request: HttpRequest, site_id: int, collection_id: int, post_id: int, action: str
) -> HttpResponse:
    """A post of the collection: ↑/↓, or out of it."""
    site, kept = _owned(request, site_id, collection_id)
    if action in ("up", "down"):
        curate.move_post(kept=kept, post_id=post_id, up=action == "up")
        anchor = f"#entry-{post_id}"
    elif action == "remove":
        curate.remove_post(kept=kept, post_id=post_id)
        _saved(request, _("Removed from the collection (draft). It stays on your site."))
        anchor = "#collection-posts"
    else:
        raise Http404
    return redirect(reverse("websites:collection", args=[site.pk, kept.pk]) + anchor)
