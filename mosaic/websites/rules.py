"""What a site's address, link buttons and accent colour may be."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

# Every first path segment the application uses or may use: a site there would hide it.
RESERVED_SLUGS = frozenset(
    [
        "_domains",
        "_m",
        "about",
        "accounts",
        "account",
        "admin",
        "administrator",
        "api",
        "app",
        "assets",
        "billing",
        "blog",
        "cdn",
        "change-of-control",
        "dashboard",
        "domains",
        "dev",
        "directory",
        "discover",
        "docs",
        "example",
        "explore",
        "favicon.ico",
        "feed",
        "feeds",
        "health",
        "healthz",
        "help",
        "home",
        "i",
        "img",
        "images",
        "instagram",
        "js",
        "legal",
        "login",
        "logout",
        "mail",
        "media",
        "mosaic",
        "newsletter",
        "operator",
        "operators",
        "org",
        "orgs",
        "organization",
        "organizations",
        "p",
        "panel",
        "policy",
        "preferences",
        "pricing",
        "privacy",
        "report",
        "robots.txt",
        "rss",
        "search",
        "security",
        "settings",
        "signin",
        "signout",
        "signup",
        "site",
        "sitemap.xml",
        "sites",
        "static",
        "stats",
        "status",
        "support",
        "tag",
        "tags",
        "terms",
        "transparency",
        "u",
        "user",
        "users",
        "webhooks",
        "well-known",
        "www",
    ]
)
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
SLUG_MIN, SLUG_MAX = 3, 40
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_TEL_RE = re.compile(r"^\+?[0-9][0-9().-]{2,30}$")
HEX_RE = re.compile(r"^#[0-9a-f]{6}$")
MIN_CONTRAST = 4.5
# The light page background of each theme (dark mode uses a lightened accent, see themes).
THEME_BACKGROUNDS = {"grid": "#ffffff", "feed": "#f6f4f0", "magazine": "#fbfaf7"}
DARK_BACKGROUND = "#141414"


def check_slug(slug: str) -> str:
    """The address as stored (lowercase), or ValidationError with the reason."""
    if len(slug) < SLUG_MIN or len(slug) > SLUG_MAX:
        raise ValidationError(
            _("An address is %(min)d to %(max)d characters long.")
            % {"min": SLUG_MIN, "max": SLUG_MAX}
        )
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _(
                "Use lowercase letters, digits and hyphens only, starting and ending with a "
                "letter or digit."
            )
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved. Please choose another."))
    return slug


_BARE_HOST_RE = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[:/?#]|$)", re.IGNORECASE
)


def _with_https(url: str) -> str:
    """``instagram.com/olivia`` or ``www.example.org``: a web address typed without its scheme
    gets ``https://``. Anything else (``//host``, ``javascript:``) is left for the checks."""
    if _BARE_HOST_RE.match(url) and not url.lower().startswith(("mailto:", "tel:")):
        return f"https://{url}"
    return url


def check_link_url(url: str) -> str:
    """A link button's address: http(s), mailto or tel only, with no hidden characters, so
    nothing like ``javascript:``, ``data:`` or ``//evil.example`` can reach a page."""
    if not url:
        raise ValidationError(_("Enter an address."))
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in url):
        raise ValidationError(
            _("An address cannot contain spaces, backslashes or control characters.")
        )
    if not url.isprintable():
        raise ValidationError(_("An address cannot contain invisible characters."))
    url = _with_https(url)
    match = _SCHEME_RE.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in LINK_SCHEMES:
        raise ValidationError(_("Links must start with https://, http://, mailto: or tel:."))
    rest = url[len(scheme) + 1 :]
    if scheme in ("http", "https"):
        URLValidator(schemes=["http", "https"], message=_("Enter a valid web address."))(url)
        return f"{scheme}:{rest}"
    if scheme == "mailto":
        EmailValidator(message=_("Enter a valid email address after mailto:."))(
            rest.split("?", 1)[0]
        )
        return f"mailto:{rest}"
    if not _TEL_RE.match(rest):
        raise ValidationError(_("Enter a phone number after tel:, e.g. tel:+15551234567."))
    return f"tel:{rest}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_accent(accent: str, *, theme: str) -> str:
    """The accent colour, refused unless its text on the theme's page background reaches WCAG
    AA (4.5:1). White text on the accent then passes too."""
    accent = accent.lower()
    if not HEX_RE.match(accent):
        raise ValidationError(_("Enter a colour like #1d5fd1."))
    ratio = contrast(accent, THEME_BACKGROUNDS[theme])
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "This colour is too light to read on the page: its contrast is %(ratio).1f:1, "
                "and at least 4.5:1 is needed. Choose a darker colour."
            )
            % {"ratio": ratio}
        )
    return accent


def dark_accent(accent: str) -> str:
    """The accent for dark mode: mixed with white until its text on the dark background reaches
    4.5:1 too, so one choice serves both schemes."""
    r, g, b = (int(accent[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(0, 101, 5):
        t = step / 100
        mixed = "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * t) for c in (r, g, b)))
        if contrast(mixed, DARK_BACKGROUND) >= MIN_CONTRAST + 0.3:
            return mixed
    return "#ffffff"
