"""The Atom feed of a public site (``/<slug>/feed.xml``, issue #20), through Django's
``Atom1Feed``.

P31: a feed says only what the site shows publicly: the posts its pages show (the renderer's
arrangement, so hidden posts and posts hidden by moderation are absent), each with its public
picture. Only a public site has one; an unlisted or private site has none, and the old build's
file stops answering the moment the site stops being public (``serving``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.xmlutils import SimplerXMLGenerator

from mosaic.websites.models import Site

if TYPE_CHECKING:
    from mosaic.websites.render import SiteRenderer

#: The newest posts a feed carries (readers keep what they have already fetched).
ENTRIES = 50
NAME = "feed.xml"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


#: Characters XML 1.0 cannot carry (a caption may hold them); Django's writer refuses them.
CONTROL = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")


class _QuotingWriter(SimplerXMLGenerator):
    """Text escaped with quotes too: the same text for an XML reader, and no fragment of a
    caption ever appears as written in the file (nothing for a careless reader to misparse)."""

    def characters(self, content: str) -> None:
        if content:
            self._finish_pending_start_element()  # type: ignore[attr-defined]
            self._write(xml_escape(content, {"'": "&apos;", '"': "&quot;"}))  # type: ignore[attr-defined]


class _Atom(Atom1Feed):
    def write(self, outfile: Any, encoding: str) -> None:
        handler = _QuotingWriter(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())  # type: ignore[arg-type]
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


def text(value: str) -> str:
    """A caption or title as one line of text XML can carry."""
    return " ".join(CONTROL.sub(" ", value).split())


def has_feed(site: Site) -> bool:
    return site.visibility == Site.Visibility.PUBLIC


def atom(renderer: SiteRenderer) -> bytes:
    site, snapshot, base = renderer.site, renderer.snapshot, renderer.base_url
    bio = text(snapshot.get("bio", ""))
    feed = _Atom(
        title=text(snapshot.get("title", site.slug)),
        link=base,
        description=bio,
        subtitle=bio or None,
        language=site.language,
        feed_url=base + NAME,
    )
    newest = sorted(renderer.posts, key=lambda post: post.taken_at, reverse=True)[:ENTRIES]
    for post in newest:
        link = f"{base}p/{post.pk}/"
        caption = text(post.caption)
        body = f"<p>{escape(caption)}</p>" if caption else ""
        first = renderer.ready_items(post)[0]
        cover = first.photo
        assert cover is not None
        alt = text(renderer.alt(post, first))  # the owner's alt text, else the caption's
        image = renderer.image(cover, root=base, alt=alt, eager=False, max_width=1080)
        if image.public:  # P31: a public copy only; never the owner-checked route
            src = renderer.absolute(image.src)
            body = f'<p><img src="{escape(src)}" alt="{escape(image.alt)}"></p>' + body
        feed.add_item(
            title=Truncator(caption).chars(70) or date_format(post.taken_at, "DATE_FORMAT"),
            link=link,
            description=body,
            unique_id=link,
            pubdate=post.taken_at,
            updateddate=post.taken_at,
        )
    return feed.writeString("utf-8").encode()
