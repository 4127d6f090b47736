"""The stand-in's world: accounts, their generated posts, and the photos it draws for them."""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw, ImageFont

from mosaic.posts import samples

POSTS_PER_ACCOUNT = 30
EPOCH = datetime(2024, 1, 1, 12, tzinfo=UTC)
CAPTIONS = [
    "Morning light over the harbour #sunrise #harbour",
    "Café au lait, s'il vous plaît ☕️ #café #paris",
    "Новая коллекция уже в магазине #мода #новинки",
    "",  # no caption at all: Instagram then omits the field
    "Weekend market finds #market #handmade #Handmade",
    "नमस्ते from the studio #हिन्दी #studio",
]


def user_id_for(username: str) -> str:
    return str(17841400000000000 + int(hashlib.sha256(username.encode()).hexdigest()[:10], 16))


@dataclass(frozen=True)
class StandInMedia:
    id: str
    media_type: str  # IMAGE, VIDEO or CAROUSEL_ALBUM
    caption: str
    timestamp: datetime
    shortcode: str
    children: tuple[StandInMedia, ...] = ()


def posts_for(username: str, count: int = POSTS_PER_ACCOUNT) -> list[StandInMedia]:
    """Newest first, as Instagram lists them; the same every time for the same username. Post
    ``n`` (0 the oldest) keeps its id and date when ``count`` grows, as if new ones were posted."""
    base = int(user_id_for(username)) % 10**9
    posts = []
    for number in range(count):
        media_id = str(18000000000000000 + base * 100_000 + number)
        media_type = "IMAGE"
        children: tuple[StandInMedia, ...] = ()
        if number % 4 == 1:
            media_type = "CAROUSEL_ALBUM"
            children = tuple(
                StandInMedia(f"{media_id}{k}", "IMAGE", "", EPOCH, "") for k in range(1, 4)
            )
        elif number % 7 == 3:
            media_type = "VIDEO"
        posts.append(
            StandInMedia(
                id=media_id,
                media_type=media_type,
                caption=CAPTIONS[number % len(CAPTIONS)],
                timestamp=EPOCH + timedelta(days=number),
                shortcode=hashlib.sha256(media_id.encode()).hexdigest()[:11],
                children=children,
            )
        )
    posts.reverse()
    return posts


def comments_for(media_id: str) -> list[dict[str, str]]:
    """Two comments on every post, the same each time."""
    return [
        {
            "id": f"{media_id}-c{k}",
            "text": text,
            "username": username,
            "timestamp": (EPOCH + timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        for k, (username, text) in enumerate(
            [("ana.paints", "Lovely light ✨"), ("boris_k", "Где это? #вопрос")], start=1
        )
    ]


def video() -> bytes:
    """Every video post's file: one real one-second H.264/AAC clip (made once by ffmpeg), so an
    import stores it once and cleans it as it would a phone's."""
    return samples.clip(size=(320, 320))


@functools.lru_cache(maxsize=4)
def _gradient(size: int) -> Image.Image:
    return Image.linear_gradient("L").resize((size, size))


@functools.lru_cache(maxsize=64)
def photo(media_id: str, *, size: int = 1080) -> bytes:
    """A JPEG drawn for this media id: a two-colour gradient with the id written on it."""
    digest = hashlib.sha256(media_id.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    gradient = _gradient(size)
    image = Image.composite(
        Image.new("RGB", (size, size), tuple(bottom)),
        Image.new("RGB", (size, size), tuple(top)),
        gradient,
    )
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 12)
    draw.text((size // 12, size // 12), f"#{media_id[-4:]}", fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
