"""Run every benchmark module (or those named: `python -m bench images`), printing
`name: value unit` lines."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    import django

    django.setup()
    available = sorted(
        path.stem.removeprefix("bench_") for path in Path(__file__).parent.glob("bench_*.py")
    )
    wanted = argv or available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    for name in wanted:
        module = importlib.import_module(f"bench.bench_{name}")
        for metric, value, unit in module.run():
            if isinstance(value, float):  # a ratio under 1 (SSIM) needs more than 2 places
                shown = f"{value:.4f}" if abs(value) < 1 else f"{value:.2f}"
            else:
                shown = str(value)
            print(f"{metric}: {shown} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
