"""Rendering a site to static files (pages, tag pages, sitemap, feed, robots rules, hashed CSS).

One renderer serves three purposes, told apart by a ``Target``:
- the published build: the public copy's address of a file that has one (P31: only while a
  public site shows it, ``websites.exposure``), the site's checked ``_media/`` route otherwise,
  and always for a private site;
- the owner's preview of the draft (rendered on request, same addresses);
- the ZIP export (every address relative, every link ending in ``index.html``, the image files
  copied into the archive), which works opened from disk.
Links between pages are always relative, so the same HTML works at ``/<slug>/``, in the preview
and from a folder. Canonical and OpenGraph addresses are absolute, from ``SITE_URL``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from mosaic.billing.plans import plan_for
from mosaic.photos.models import Photo, Variant
from mosaic.photos.storage import public_storage
from mosaic.posts.hashtags import tag_key
from mosaic.posts.models import Post, PostItem, caption_alt
from mosaic.websites import collection, contact, feed, rules, search, sections, socials
from mosaic.websites.content import active_links, arrange, next_link_change
from mosaic.websites.markup import json_ld, link_name
from mosaic.websites.models import Site
from mosaic.websites.names import tag_folder

PAGE_SIZE = 24
EAGER = {"grid": 6, "feed": 1, "magazine": 2}  # images in the first view on a phone
SIZES = {
    "grid": "(min-width: 720px) 230px, 33vw",
    "feed": "(min-width: 720px) 680px, 100vw",
    "magazine": "(min-width: 720px) 340px, 50vw",
}
THUMB_MAX = {"grid": 640, "feed": 1440, "magazine": 1080}


@dataclass(frozen=True)
class Target:
    """``images``: "public" (public copies where they exist, the site's checked ``_media/``
    route otherwise), "guarded" (always that route) or "files" (relative, copied into an
    export). ``export``: links end in ``index.html``."""

    images: str = "public"
    export: bool = False


@dataclass
class Image:
    src: str
    webp: str
    jpeg: str
    width: int
    height: int
    alt: str
    eager: bool = False
    #: the address is a public copy's (P31): only such an image may go into share cards
    public: bool = False


@dataclass
class SiteRenderer:
    site: Site
    snapshot: dict[str, Any]
    target: Target = field(default_factory=Target)
    #: storage names of the files the pages refer to (for the export to copy)
    used_files: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        #: the build's moment: scheduled links show as at this time (``next_change`` is when
        #: the pages stop being right; the scheduler republishes then)
        self.now = timezone.now()
        self.links = active_links(self.snapshot, self.now)
        #: each post's outside link on this site, by post id (as a string, JSON's keys)
        self.post_links: dict[str, dict[str, str]] = self.snapshot.get("post_links", {})
        self.next_change = next_link_change(self.snapshot, self.now)
        posts = Post.objects.filter(
            owner_id=self.site.owner_id, hidden_by_moderation_at__isnull=True
        ).with_items()
        self.posts = [post for post in arrange(posts, self.snapshot) if self.ready_items(post)]
        self.by_id = {post.pk: post for post in self.posts}
        self.theme = self.snapshot.get("theme", Site.Theme.GRID)
        avatar_id = self.snapshot.get("avatar")
        self.avatar = (
            Photo.objects.with_variants()
            .ready()
            .filter(pk=avatar_id, owner_id=self.site.owner_id)
            .first()
            if avatar_id
            else None
        )
        #: search and sharing settings (``websites.search``): only what the owner set
        self.search: dict[str, Any] = self.snapshot.get("search", {})
        self.share_photo = search.share_photo(self.site.owner_id, self.search.get("image"))
        #: tag pages by folder name (``names.tag_folder``): the tag as first written, its posts
        self.tags: dict[str, tuple[str, list[Post]]] = {}
        for post in self.posts:
            for tag in post.hashtags:
                self.tags.setdefault(tag_folder(tag_key(tag)), (tag, []))[1].append(post)
        #: collection pages by URL name: title, home link, their shown posts in order
        self.collections = collection.shown(self.snapshot, self.by_id)
        self.css_name, self.css = self._render_css()
        self.base_url = f"{settings.SITE_URL}/{self.site.slug}/"
        # The "Made with Mosaic" line, as the owner's plan says (billing.plans).
        self.branding = plan_for(self.site.owner_id).branding
        self.sections: dict[int, list[SafeString]] | None = None  # ``websites.sections``

    @staticmethod
    def ready_items(post: Post) -> list[PostItem]:
        return [i for i in post.items.all() if i.photo is not None and i.photo.is_ready]

    # --- addresses ------------------------------------------------------------------------
    def _file_url(self, name: str, root: str, public_name: str = "") -> str:
        """``name`` in the guarded storage; ``public_name`` its public copy's, if it has one."""
        if self.target.images == "files":
            self.used_files.add(name)
            return root + name
        if self.target.images == "public" and public_name:
            return public_storage().url(public_name)
        return f"{root}_media/{name}"

    def href(self, root: str, rel: str) -> str:
        """A link to the page at ``rel`` ("" for the home page, "p/12/" for a post)."""
        target = root + rel
        return target + "index.html" if self.target.export else target

    def image(self, photo: Photo, *, root: str, alt: str, eager: bool, max_width: int) -> Image:
        variants = [v for v in photo.variants if v.width <= max_width] or photo.variants[:1]
        by_format: dict[str, list[Variant]] = {}
        for variant in variants:
            by_format.setdefault(variant.format, []).append(variant)
        jpegs = by_format.get("jpeg", variants)

        def url(variant: Variant) -> str:
            return self._file_url(variant.name, root, variant.public_name)

        def srcset(items: list[Variant]) -> str:
            return ", ".join(f"{url(v)} {v.width}w" for v in items)

        return Image(
            src=url(jpegs[-1]),
            webp=srcset(by_format.get("webp", [])),
            jpeg=srcset(jpegs),
            width=photo.width,
            height=photo.height,
            alt=alt,
            eager=eager,
            public=self.target.images == "public" and bool(jpegs[-1].public_name),
        )

    # --- pages ----------------------------------------------------------------------------
    def paths(self) -> list[str]:
        pages = max(1, -(-len(self.posts) // PAGE_SIZE))
        paths = ["index.html"]
        paths += [f"page/{n}/index.html" for n in range(2, pages + 1)]
        paths += [f"p/{post.pk}/index.html" for post in self.posts]
        paths += [f"t/{key}/index.html" for key in self.tags]
        paths += [f"c/{name}/index.html" for name in self.collections]
        if self.target.export and self.collections:
            paths.append(collection.EXPORT_NAME)
        paths += ["robots.txt", f"assets/{self.css_name}"]
        if self.site.indexable:
            paths.append("sitemap.xml")
        if feed.has_feed(self.site):
            paths.append(feed.NAME)
        if self.snapshot.get("contact"):
            paths.append(contact.NAME)
        return paths

    def render(self, path: str) -> bytes | None:
        """The file at ``path`` (as listed by ``paths()``), or None if there is none, in the
        site's language (its own words: "Skip to content", "Older", "Made with Mosaic")."""
        with translation.override(self.site.language):
            return self._render(path)

    def _render(self, path: str) -> bytes | None:
        parts = path.split("/")
        if path == "index.html":
            return self._index(1)
        if (
            len(parts) == 3
            and parts[0] == "page"
            and parts[1].isdigit()
            and parts[2] == "index.html"
        ):
            number = int(parts[1])
            return self._index(number) if number >= 2 else None
        if len(parts) == 3 and parts[0] == "p" and parts[1].isdigit() and parts[2] == "index.html":
            post = self.by_id.get(int(parts[1]))
            return self._post(post) if post else None
        if (
            len(parts) == 3
            and parts[0] == "t"
            and parts[2] == "index.html"
            and parts[1] in self.tags
        ):
            return self._tag(parts[1])
        if len(parts) == 3 and parts[0] == "c" and parts[2] == "index.html":
            kept = self.collections.get(parts[1])
            return self._listing(kept.title, f"c/{quote(kept.name)}/", kept.posts) if kept else None
        if path == collection.EXPORT_NAME and self.target.export:
            return collection.export_data(self)
        if path == "robots.txt":
            return self._robots()
        if path == "sitemap.xml":
            return self._sitemap() if self.site.indexable else None
        if path == feed.NAME:
            return feed.atom(self) if feed.has_feed(self.site) else None
        if path == contact.NAME and self.snapshot.get("contact"):
            return contact.vcard(
                self.snapshot["contact"],
                title=self.snapshot.get("title", self.site.slug),
                address=self.base_url,
            )
        if path == f"assets/{self.css_name}":
            return self.css
        return None

    def _render_css(self) -> tuple[str, bytes]:
        accent = str(self.snapshot.get("accent", ""))
        if not rules.HEX_RE.match(accent):  # the stylesheet is not escaped: only a colour
            accent = "#1d5fd1"
        css = render_to_string(
            "websites/site/site.css",
            {"theme": self.theme, "accent": accent, "dark_accent": rules.dark_accent(accent)},
        ).encode()
        return f"site.{hashlib.sha256(css).hexdigest()[:12]}.css", css

    def alt(self, post: Post, item: PostItem | None = None, number: int = 0, of: int = 1) -> str:
        """The owner's alt text for the photo, as written; else the caption's first sentence
        (or the date), numbered within a carousel, where every photo would read the same."""
        written = " ".join(item.alt_text.split()) if item is not None else ""
        if written:
            return written
        text = caption_alt(post.caption) or f"Photo from {post.taken_at:%-d %B %Y}"
        return f"{text} ({number + 1}/{of})" if of > 1 else text

    def _card(self, post: Post, *, root: str, eager: bool) -> dict[str, Any]:
        items = self.ready_items(post)
        cover = items[0]
        assert cover.photo is not None
        return {
            "post": post,
            "href": self.href(root, f"p/{post.pk}/"),
            "image": self.image(
                cover.photo,
                root=root,
                alt=self.alt(post, cover),
                eager=eager,
                max_width=THUMB_MAX[self.theme],
            ),
            "count": len(items),
            "has_video": any(i.is_video for i in items),
            "pinned": post.pk in set(self.snapshot.get("pinned", ())),
            "linked": str(post.pk) in self.post_links,
        }

    def favicon(self) -> Variant | None:
        """The avatar's smallest WebP (else JPEG) variant, the one the header's 96 px avatar
        already loads, so the icon costs no extra bytes. P31: only its public copy, and only
        on a public site; other sites keep the empty ``data:,`` icon (no request at all)."""
        if (
            self.avatar is None
            or self.target.images != "public"
            or self.site.visibility != Site.Visibility.PUBLIC
        ):
            return None
        variants = [v for v in self.avatar.variants if v.public_name]
        webps = [v for v in variants if v.format == Variant.Format.WEBP]
        choice = (webps or variants)[:1]
        return choice[0] if choice else None

    def share_image(self, root: str) -> str:
        """The home page's share image: the chosen photo, else the pinned photo (the first
        pinned post's first photo, else the first post's); "" without a public copy (P31)."""
        if self.target.images != "public":  # the preview's and the export's have no copies
            return ""
        photo = self.share_photo
        if photo is None and self.posts:
            photo = self.ready_items(self.posts[0])[0].photo
        if photo is None:
            return ""
        image = self.image(photo, root=root, alt="", eager=False, max_width=1440)
        return self.absolute(image.src) if image.public else ""

    def _common(self, *, root: str, rel: str, title: str, description: str) -> dict[str, Any]:
        links = self.links
        icon = self.favicon()
        avatar = (
            self.image(self.avatar, root=root, alt="", eager=True, max_width=320)
            if self.avatar
            else None
        )
        return {
            "site": self.site,
            "s": self.snapshot,
            "theme": self.theme,
            "root": root,
            "home": self.href(root, ""),
            "css": root + "assets/" + self.css_name,
            "canonical": self.base_url + rel,
            "page_title": title,
            "description": Truncator(" ".join(description.split())).chars(200),
            "noindex": not self.site.indexable,
            "feed": root + feed.NAME if feed.has_feed(self.site) else "",
            "links": links,
            "socials": socials.for_page(self.snapshot.get("socials", [])),
            "contact_card": root + contact.NAME if self.snapshot.get("contact") else "",
            "avatar": avatar,
            "favicon": (
                {
                    "href": public_storage().url(icon.public_name),
                    "type": icon.mime_type,
                    "sizes": f"{icon.width}x{icon.height}",
                }
                if icon
                else None
            ),
            "guarded": self.target.images == "guarded",
            "sizes": SIZES[self.theme],
            # Views and clicks are counted on the served site only, never in the owner's own
            # copy (an export): the pixel and the click redirect (mosaic.stats, P12).
            "counted": not self.target.export,
            "branding": self.branding,
            "count_path": f"/{self.site.slug}/{rel}",
            "count_kind": "photo" if rel.startswith("p/") else "page",
            # The "Report" link (mosaic.moderation), on the served site only, and not on a
            # private one (only its owner sees it): a photo page reports its photo.
            "report_url": ""
            if self.site.is_private
            else f"/report/{self.site.pk}/"
            + (f"?photo={rel[2:-1]}" if rel.startswith("p/") else ""),
        }

    def _recommends(self) -> bool:
        site = self.site
        return (
            site.listed
            and site.recommend
            and not site.sensitive
            and site.visibility == Site.Visibility.PUBLIC
        )

    def absolute(self, url: str) -> str:
        return settings.SITE_URL + url if url.startswith("/") else url

    def _index(self, number: int) -> bytes | None:
        start = (number - 1) * PAGE_SIZE
        chunk = self.posts[start : start + PAGE_SIZE]
        if number > 1 and not chunk:
            return None
        root = "./" if number == 1 else "../../"
        rel = "" if number == 1 else f"page/{number}/"
        eager = EAGER[self.theme] if number == 1 else 0
        cards = [self._card(p, root=root, eager=i < eager) for i, p in enumerate(chunk)]
        # The owner's search title and description (``websites.search``), else title and bio.
        title = self.search.get("title") or self.snapshot.get("title", self.site.slug)
        description = self.search.get("description") or self.snapshot.get("bio", "")
        context = self._common(root=root, rel=rel, title=title, description=description)
        pages = -(-len(self.posts) // PAGE_SIZE)
        context |= {
            "cards": cards,
            "is_home": True,
            "page_number": number,
            "newer": (
                self.href(root, "" if number == 2 else f"page/{number - 1}/") if number > 1 else ""
            ),
            "older": self.href(root, f"page/{number + 1}/") if number < pages else "",
            "og_image": self.share_image(root),
            "collections": [
                {"title": kept.title, "href": self.href(root, f"c/{quote(kept.name)}/")}
                for kept in self.collections.values()
                if kept.home
            ],
            # P18: the "similar sites" frame (mosaic.discovery), answered by the app so it is
            # checked at every view; only on a listed site that takes part in recommendations.
            "similar_url": f"/explore/similar/{self.site.pk}/"
            if context["counted"] and self._recommends()
            else "",
            "jsonld": json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "ProfilePage",
                    "name": title,
                    "description": description,
                    "url": self.base_url + rel,
                }
            ),
        }
        return render_to_string("websites/site/index.html", context).encode()

    def _post(self, post: Post) -> bytes:
        root = "../../"
        items = self.ready_items(post)
        title = Truncator(" ".join(post.caption.split())).chars(70) or self.alt(post)
        context = self._common(
            root=root, rel=f"p/{post.pk}/", title=title, description=post.caption
        )
        shown: list[dict[str, Any]] = []
        images: list[Image] = []
        for number, item in enumerate(items):
            assert item.photo is not None
            image = self.image(
                item.photo,
                root=root,
                alt=self.alt(post, item, number, len(items)),
                eager=number == 0,
                max_width=1440,
            )
            video = (
                self._file_url(item.video.name, root, item.video.public_name)
                if item.video is not None
                else ""
            )
            images.append(image)
            shown.append({"image": image, "video": video, "id": f"item-{number + 1}"})
        index = self.posts.index(post)
        newer = self.posts[index - 1] if index > 0 else None
        older = self.posts[index + 1] if index + 1 < len(self.posts) else None
        photo_link = self.post_links.get(str(post.pk))
        context |= {
            "post": post,
            "sections": sections.for_post(self, post),
            "photo_link": {
                **photo_link,
                "label": photo_link.get("label") or link_name(photo_link["url"]),
            }
            if photo_link
            else None,
            "permalink": post.permalink if post.permalink.startswith("https://") else "",
            "items": shown,
            "tags": [
                (tag, self.href(root, f"t/{quote(tag_folder(tag_key(tag)))}/"))
                for tag in post.hashtags
            ],
            "newer": self.href(root, f"p/{newer.pk}/") if newer else "",
            "older": self.href(root, f"p/{older.pk}/") if older else "",
            "og_image": self.absolute(images[0].src) if images[0].public else "",
            "jsonld": json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "ImageObject",
                    "name": title,
                    "caption": strip_tags(post.caption),
                    "dateCreated": post.taken_at.isoformat(),
                    "url": self.base_url + f"p/{post.pk}/",
                    **({"contentUrl": self.absolute(images[0].src)} if images[0].public else {}),
                }
            ),
        }
        return render_to_string("websites/site/post.html", context).encode()

    def _tag(self, key: str) -> bytes:
        tag, posts = self.tags[key]
        return self._listing(f"#{tag}", f"t/{quote(key)}/", posts)

    def _listing(self, title: str, rel: str, posts: list[Post]) -> bytes:
        """A tag's or a collection's page: its title and its posts' cards."""
        root = "../../"
        context = self._common(root=root, rel=rel, title=title, description=title)
        eager = EAGER[self.theme]
        context |= {
            "listing_title": title,
            "cards": [self._card(p, root=root, eager=i < eager) for i, p in enumerate(posts)],
            "og_image": "",
            "jsonld": json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "CollectionPage",
                    "name": title,
                    "url": self.base_url + rel,
                }
            ),
        }
        return render_to_string("websites/site/listing.html", context).encode()

    def _robots(self) -> bytes:
        if not self.site.indexable:
            return b"User-agent: *\nDisallow: /\n"
        return f"User-agent: *\nAllow: /\nSitemap: {self.base_url}sitemap.xml\n".encode()

    def _sitemap(self) -> bytes:
        """P21, P31: only for a public site not hidden from search; only pages it shows."""
        pages = max(1, -(-len(self.posts) // PAGE_SIZE))
        urls = [self.base_url] + [f"{self.base_url}page/{n}/" for n in range(2, pages + 1)]
        urls += [f"{self.base_url}p/{post.pk}/" for post in self.posts]
        urls += [f"{self.base_url}t/{quote(key)}/" for key in self.tags]
        urls += [f"{self.base_url}c/{quote(name)}/" for name in self.collections]
        return render_to_string("websites/site/sitemap.xml", {"urls": urls}).encode()
