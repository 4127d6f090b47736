"""Text from Instagram: repairing mis-encoded strings (hashtags are found by ``mosaic.posts``)."""

from __future__ import annotations

from mosaic.posts.hashtags import hashtags

__all__ = ["hashtags", "repair_mojibake"]


def repair_mojibake(text: str) -> str:
    """Undo the data download's known mis-encoding: UTF-8 bytes written as one Latin-1
    character each ("cafÃ©" for "café"). Text that is not of that shape is returned as it is."""
    if not any("\x80" <= char <= "\xff" for char in text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
