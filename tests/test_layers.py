"""The layers of docs/architecture.md, checked against every import under mosaic/ (tests aside).

A module may import its own app, and another app only on the same line of the layer list or
below it; nothing but the project's wiring (settings, urls, wsgi) imports another app's interface
module; an app's plug-in (privacy.py, audit_checks.py, periodic.py, policy_statements.py,
site_sections.py) may
import the app it plugs into wherever that sits.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.search(r"```layers\n(.*?)```", (ROOT / "docs/architecture.md").read_text(), re.S)
LINES = [line.split("#")[0].split() for line in BLOCK.group(1).splitlines()] if BLOCK else []
INTERFACES = [name for line in LINES if line[:1] == ["interfaces:"] for name in line[1:]]
RANK = {app: -n for n, line in enumerate(LINES) if line[:1] != ["interfaces:"] for app in line}
PLUGINS = {
    "privacy": "privacy",
    "audit_checks": "audit",
    "periodic": "jobs",
    "policy_statements": "policy",
    "site_sections": "websites",
}
WIRING = {"mosaic.settings", "mosaic.urls", "mosaic.wsgi"}


def app_of(module: str) -> str:
    parts = [*module.split("."), ""]
    return ".".join(parts[1:3]) if parts[1] == "integrations" else parts[1]


def is_interface(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") or fnmatch(module, p) for p in INTERFACES)


def violations(module: str, source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for target in (name for name in names if name.startswith("mosaic.")):
            if module in WIRING or app_of(target) == app_of(module):
                continue
            if is_interface(target):
                found.append(f"{module} imports the interface {target}")
            elif PLUGINS.get(module.rsplit(".", 1)[-1]) == app_of(target):
                continue
            elif app_of(module) not in RANK or app_of(target) not in RANK:
                found.append(f"{module} -> {target}: an app missing from the layer list")
            elif not is_interface(module) and RANK[app_of(target)] > RANK[app_of(module)]:
                found.append(f"{module} imports {target}, listed above it")
    return found


def source_modules() -> dict[str, str]:
    paths = (ROOT / "mosaic").rglob("*.py")
    skip = {"tests", "migrations"}
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path.read_text()
        for path in paths
        if not skip & set(path.relative_to(ROOT).parts)
    }


def test_every_import_keeps_to_the_layers():
    assert LINES, "docs/architecture.md lost its ```layers block"
    assert [
        v for module, source in source_modules().items() for v in violations(module, source)
    ] == []


def test_it_fails_on_the_imports_the_staff_core_replaced():
    assert violations("mosaic.privacy.holds", "from mosaic.operators.roles import LEGAL") != []
    assert violations("mosaic.policy.services", "import mosaic.operators.services") != []
    assert violations("mosaic.privacy.models", "from mosaic.websites.models import Site") != []
    assert violations("mosaic.websites.publishing", "from mosaic.panel import views") != []
    assert violations("mosaic.operators.views", "from mosaic.privacy.holds import lift_hold") == []
    assert violations("mosaic.accounts.privacy", "from mosaic.privacy import services") == []
