"""Rebuild the invoice fonts: DejaVu Sans (regular, bold) cut to Latin, Cyrillic and common
punctuation, without hinting or layout tables, so drawing a PDF parses 60 KB, not 750 KB
(docs/operations.md, "Billing"). Run from the repository root with Debian's fonts-dejavu-core:

    .venv/bin/python mosaic/billing/fonts/make_subset.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/dejavu")
HERE = Path(__file__).parent
UNICODES = [
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x250),  # Latin-1, Latin Extended-A and B
    *range(0x400, 0x530),  # Cyrillic and its supplement
    *range(0x2010, 0x2030),  # dashes, quotes, ellipsis
    0x20AC,  # euro sign
    0x2116,  # numero sign
]


def main() -> None:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "FFTM", "hdmx", "VDMX", "LTSH"]
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        font = TTFont(SOURCE / f"{name}.ttf")
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        font.save(HERE / f"{name}-invoice.ttf")


if __name__ == "__main__":
    main()
