"""The example site on the home page (``/example/<theme>/``): a small fixed site drawn by the
very renderer and themes of every public site (``render.SiteRenderer``), with made-up posts and
photos drawn here with Pillow (landscapes of a few shapes), never anyone's data.

Nothing is stored: the pages are rendered on request from the constants below, and the photos
are drawn once per process (a few milliseconds each) and kept in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from mosaic.posts.models import Post
from mosaic.websites.models import Site
from mosaic.websites.render import Image, SiteRenderer, Target

THEMES = tuple(Site.Theme.values)
THEME_CHOICES = Site.Theme.choices
PREFIX = "/example/"
#: Bumped when the drawings change, so year-long caching never keeps an old one.
PHOTO_VERSION = "1"
WIDTHS = (320, 640)
FORMATS = {"jpeg": "image/jpeg", "webp": "image/webp"}
TAKEN = dt.datetime(2026, 5, 30, 8, tzinfo=dt.UTC)

# (caption, days before TAKEN, palette: sky top, sky bottom, sun, far land, near land, ratio)
POSTS: list[tuple[str, int, tuple[str, str, str, str, str], tuple[int, int]]] = [
    (
        gettext_noop("First light over the harbour. #sea #dawn"),
        0,
        ("#f6c6a8", "#fde8d0", "#fff4e0", "#7d8fa6", "#3f5166"),
        (4, 5),
    ),
    (
        gettext_noop("The hills after the rain, from the old road. #hills"),
        3,
        ("#a9c6e8", "#e4eef8", "#ffffff", "#7fa37a", "#4f7148"),
        (1, 1),
    ),
    (
        gettext_noop("Low tide, long shadows. #sea"),
        6,
        ("#e9b872", "#f7dfb5", "#fff1c9", "#b58a5a", "#6e5138"),
        (4, 5),
    ),
    (
        gettext_noop("Blue hour on the rooftops. #city"),
        9,
        ("#2e3a66", "#6f7fb3", "#f3e6b8", "#3b3f63", "#23253f"),
        (1, 1),
    ),
    (
        gettext_noop("A print for the studio wall: the dunes in May. #prints"),
        14,
        ("#f2d3c2", "#fbeee6", "#fffaf3", "#d9a47e", "#b0714a"),
        (4, 5),
    ),
    (
        gettext_noop("Pines and fog on the morning walk. #hills #dawn"),
        19,
        ("#c9d3d6", "#eef1f1", "#ffffff", "#8ea29a", "#51665c"),
        (1, 1),
    ),
    (
        gettext_noop("Sunset from the pier, the last boat in. #sea"),
        25,
        ("#e2705a", "#f7c08a", "#ffe3a3", "#8a4f5c", "#4a2d3c"),
        (4, 5),
    ),
    (
        gettext_noop("Snow on the far ridge, spring in the valley. #hills"),
        31,
        ("#9fb8d9", "#dce6f2", "#ffffff", "#e8edf3", "#6b8a5f"),
        (1, 1),
    ),
    (
        gettext_noop("Lavender field at noon. #prints"),
        38,
        ("#b9c9f0", "#e6ebfa", "#fffbe8", "#9b87c4", "#6c5a9c"),
        (4, 5),
    ),
]
AVATAR = ("#fbd3b0", "#fde9d6", "#fff6ea", "#e08a5a", "#a4532f")


@dataclass(frozen=True)
class ExamplePhoto:
    """A drawn photo: its number in ``POSTS`` (or -1, the avatar) and its proportions."""

    number: int
    ratio: tuple[int, int]

    @property
    def width(self) -> int:
        return WIDTHS[-1]

    @property
    def height(self) -> int:
        return WIDTHS[-1] * self.ratio[1] // self.ratio[0]


@dataclass(frozen=True)
class ExampleItem:
    photo: ExamplePhoto
    is_video: bool = False
    video: None = None
    alt_text: str = ""  # the caption stands in, as for an owner who wrote none


def _palette(number: int) -> tuple[str, str, str, str, str]:
    return AVATAR if number < 0 else POSTS[number][2]


@lru_cache(maxsize=64)
def photo_bytes(number: int, width: int, kind: str) -> bytes:
    """The drawing ``number`` at ``width`` pixels as JPEG or WebP: a sky fading down, a sun,
    two layers of land (hills, dunes or waves, by chance from a fixed seed)."""
    ratio = (1, 1) if number < 0 else POSTS[number][3]
    height = width * ratio[1] // ratio[0]
    top, bottom, sun, far, near = (_hex(c) for c in _palette(number))
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    chance = random.Random(number * 7919 + 17)  # noqa: S311 (a drawing, not a secret)
    radius = width * chance.uniform(0.07, 0.12)
    cx, cy = width * chance.uniform(0.2, 0.8), height * chance.uniform(0.25, 0.45)
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=sun)
    for colour, base, wave in ((far, 0.58, 0.06), (near, 0.74, 0.09)):
        points = [(0.0, float(height))]
        phase = chance.uniform(0, 6.28)
        bumps = chance.uniform(1.2, 2.6)
        for step in range(0, width + 8, 8):
            x = step / width
            level = base + wave * _wave(x * bumps * 6.28 + phase)
            points.append((float(step), height * level))
        points.append((float(width), float(height)))
        draw.polygon(points, fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(radius=width / 320))
    out = io.BytesIO()
    if kind == "webp":
        image.save(out, "WEBP", quality=70, method=4)
    else:
        image.save(out, "JPEG", quality=72, optimize=True, progressive=True)
    return out.getvalue()


def _wave(x: float) -> float:
    return 0.6 * math.sin(x) + 0.4 * math.sin(2.3 * x + 1.0)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def photo_url(number: int, width: int, kind: str) -> str:
    name = "avatar" if number < 0 else str(number + 1)
    extension = "jpg" if kind == "jpeg" else kind
    return f"{PREFIX}photos/{PHOTO_VERSION}/{name}-{width}.{extension}"


def photo_for(name: str) -> tuple[bytes, str] | None:
    """The file at ``/example/photos/<version>/<name>`` and its type, or None."""
    stem, _, extension = name.rpartition(".")
    kind = {"jpg": "jpeg", "webp": "webp"}.get(extension)
    number_text, _, width_text = stem.partition("-")
    if kind is None or not width_text.isdigit() or int(width_text) not in WIDTHS:
        return None
    if number_text == "avatar":
        number = -1
    elif number_text.isdigit() and 1 <= int(number_text) <= len(POSTS):
        number = int(number_text) - 1
    else:
        return None
    return photo_bytes(number, int(width_text), kind), FORMATS[kind]


class ExampleRenderer(SiteRenderer):
    """``SiteRenderer`` over the fixed example instead of an owner's posts: the same pages,
    templates and stylesheets, nothing counted, nothing to report, not for search engines."""

    def __init__(self, theme: str) -> None:
        self.theme_name = theme
        super().__init__(
            site=Site(
                pk=None,
                slug="example",
                title=_("Lena Ray"),
                visibility=Site.Visibility.PUBLIC,
                hide_from_search=True,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            ),
            snapshot=self._snapshot(theme),
            target=Target("public"),
        )

    @staticmethod
    def _snapshot(theme: str) -> dict[str, Any]:
        return {
            "title": _("Lena Ray"),
            "bio": _("Landscapes and seascapes, printed by hand. Lisbon and the coast."),
            "avatar": -1,
            "theme": theme,
            "accent": {"grid": "#1d5fd1", "feed": "#b4400c", "magazine": "#0f766e"}[theme],
            "links": [
                {
                    "id": 1,
                    "key": "prints",
                    "label": _("Shop my prints"),
                    "url": "https://example.com/prints",
                },
                {
                    "id": 2,
                    "key": "letter",
                    "label": _("Newsletter"),
                    "url": "https://example.com/letter",
                },
            ],
            "hidden": [],
            "pinned": [],
            "keys": {},
        }

    def __post_init__(self) -> None:  # the parent's reads the database; this builds the example
        self.posts = [
            Post(
                pk=number + 1,
                caption=_(caption),
                hashtags=[word[1:] for word in caption.split() if word.startswith("#")],
                taken_at=TAKEN - dt.timedelta(days=days),
                permalink="",
            )
            for number, (caption, days, _colours, _ratio) in enumerate(POSTS)
        ]
        self.photos = {
            post.pk: ExamplePhoto(number, POSTS[number][3])
            for number, post in enumerate(self.posts)
        }
        self.by_id = {post.pk: post for post in self.posts}
        self.now, self.next_change = timezone.now(), None
        self.links, self.post_links = self.snapshot["links"], {}  # none scheduled, no photo links
        self.theme = self.snapshot["theme"]
        self.avatar = ExamplePhoto(-1, (1, 1))  # type: ignore[assignment]
        from mosaic.posts.hashtags import tag_key
        from mosaic.websites.names import tag_folder

        self.tags = {}
        for post in self.posts:
            for tag in post.hashtags:
                self.tags.setdefault(tag_folder(tag_key(tag)), (tag, []))[1].append(post)
        self.css_name, self.css = self._render_css()
        self.base_url = f"{settings.SITE_URL}{PREFIX}{self.theme}/"
        self.branding = True  # "Made with Mosaic", as on the free plan
        self.search, self.share_photo = {}, None  # the defaults: title, bio, first photo
        self.collections = {}  # the example has none
        self.sections = {}  # nothing of other apps (no comments) on a made-up site

    def ready_items(self, post: Post) -> list[Any]:  # type: ignore[override]
        return [ExampleItem(self.photos[post.pk])]

    def favicon(self) -> None:
        return None  # the example keeps the empty icon (its avatar has no stored variants)

    def image(self, photo: Any, *, root: str, alt: str, eager: bool, max_width: int) -> Image:
        widths = [w for w in WIDTHS if w <= max_width] or [WIDTHS[0]]

        def srcset(kind: str) -> str:
            return ", ".join(f"{photo_url(photo.number, w, kind)} {w}w" for w in widths)

        return Image(
            src=photo_url(photo.number, widths[-1], "jpeg"),
            webp=srcset("webp"),
            jpeg=srcset("jpeg"),
            width=photo.width,
            height=photo.height,
            alt=alt,
            eager=eager,
        )

    def _common(self, **kwargs: Any) -> dict[str, Any]:
        context = super()._common(**kwargs)
        context |= {"counted": False, "report_url": "", "noindex": True}
        return context
