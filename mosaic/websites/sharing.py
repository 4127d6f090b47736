"""Sharing a site: its address as a QR code, and the preview a chat app shows for a link.

``qr_code(address, kind)`` draws the address with segno (SVG or PNG, dark modules on white so
every camera reads it). ``chat_preview(site)`` reads the Open Graph tags of the site's home page
the way a chat app's link fetcher does: from the published page if there is one (what visitors
get now), else from the draft, so the owner sees what a shared link will look like.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urlsplit

import segno
from django.conf import settings

from mosaic.websites.content import draft_snapshot
from mosaic.websites.models import Site
from mosaic.websites.publishing import build_folder, served_target
from mosaic.websites.render import SiteRenderer

QrKind = Literal["svg", "png"]
QR_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png"}


def site_address(site: Site) -> str:
    return f"{settings.SITE_URL}/{site.slug}/"


def qr_code(address: str, kind: QrKind, *, scale: int = 8) -> bytes:
    """The address as a QR code (error correction M, a quiet zone of four modules)."""
    code = segno.make_qr(address, error="m")
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, title=address)
    else:
        code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class ChatPreview:
    title: str
    description: str
    image: str
    host: str
    from_draft: bool

    @property
    def image_here(self) -> str:
        """The picture's address for the panel: the same file, by path when it is on the
        service's own host (the panel may be reached at another address in development)."""
        if self.image.startswith(f"{settings.SITE_URL}/"):
            return self.image.removeprefix(settings.SITE_URL)
        return self.image

    @property
    def image_origin(self) -> str:
        """Where the picture comes from when that is not the service itself (a CDN)."""
        if not self.image or self.image_here.startswith("/"):
            return ""
        parts = urlsplit(self.image)
        return f"{parts.scheme}://{parts.netloc}"


class _OpenGraph(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        values = dict(attrs)
        name = values.get("property") or values.get("name") or ""
        if name.startswith("og:") and name not in self.tags:
            self.tags[name] = values.get("content") or ""


def _home_page(site: Site) -> tuple[str, bool]:
    folder = build_folder(site)
    if folder is not None and (folder / "index.html").is_file():
        return (folder / "index.html").read_text(encoding="utf-8", errors="replace"), False
    renderer = SiteRenderer(site=site, snapshot=draft_snapshot(site), target=served_target(site))
    return (renderer.render("index.html") or b"").decode(errors="replace"), True


def chat_preview(site: Site) -> ChatPreview:
    html, from_draft = _home_page(site)
    parser = _OpenGraph()
    parser.feed(html)
    tags = parser.tags
    return ChatPreview(
        title=tags.get("og:title", site.title),
        description=tags.get("og:description", ""),
        image=tags.get("og:image", ""),
        host=urlsplit(tags.get("og:url") or site_address(site)).netloc,
        from_draft=from_draft,
    )
