"""Every stylesheet of ours parses cleanly: a lost brace silently swallows every rule after it.

tinycss2 (pinned) parses each file as a browser would. It closes blocks left open at the end of
the file without a word, and it reads a rule inside a rule as CSS nesting, so this check counts
braces itself and refuses nesting (our stylesheets are flat: a nested rule means a missing `}`).
Vendored files (static/vendor/) are not ours and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import tinycss2
from django.conf import settings
from django.template.loader import render_to_string
from tinycss2 import ast

from mosaic.websites.models import Site
from mosaic.websites.rules import dark_accent

ROOT = Path(settings.BASE_DIR) / "mosaic"
SITE_CSS = "websites/site/site.css"
# Stylesheets that are templates, and how to render each one.
TEMPLATE_STYLESHEETS = {SITE_CSS}


def static_stylesheets() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.css")
        if "vendor" not in path.parts and "templates" not in path.parts
    )


def rendered_site_stylesheets() -> Iterator[tuple[str, str]]:
    for theme in Site.Theme.values:
        for accent in ("#1d5fd1", "#b4400c"):
            context = {"theme": theme, "accent": accent, "dark_accent": dark_accent(accent)}
            yield f"{SITE_CSS} ({theme}, {accent})", render_to_string(SITE_CSS, context)


def problems(text: str) -> list[str]:
    """Parse errors, blocks never closed, and rules nested in rules, with their line."""
    found: list[str] = []
    opened, closed_elsewhere = 0, 0

    def walk(nodes: Iterable[ast.Node]) -> None:
        nonlocal opened, closed_elsewhere
        for node in nodes:
            if isinstance(node, ast.ParseError):
                found.append(f"line {node.source_line}: {node.message}")
            elif isinstance(node, ast.CurlyBracketsBlock):
                opened += 1
            elif isinstance(node, ast.Comment | ast.StringToken | ast.URLToken):
                closed_elsewhere += node.value.count("}")
            if isinstance(node, ast.Comment | ast.StringToken | ast.URLToken):
                continue
            walk(getattr(node, "content", None) or getattr(node, "arguments", None) or [])

    walk(tinycss2.parse_component_value_list(text, skip_comments=False))
    unclosed = opened - (text.count("}") - closed_elsewhere)
    if unclosed > 0:
        found.append(f"{unclosed} block(s) never closed: a `}}` is missing")

    def rules(nodes: Iterable[ast.Node], *, nested: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.ParseError):
                found.append(f"line {node.source_line}: {node.message}")
            elif isinstance(node, ast.QualifiedRule):
                if nested:
                    found.append(
                        f"line {node.source_line}: a rule inside a rule (a `}}` is missing?)"
                    )
                rules(tinycss2.parse_blocks_contents(node.content), nested=True)
            elif isinstance(node, ast.AtRule) and node.content is not None:
                if node.lower_at_keyword in {"media", "supports", "container", "layer"}:
                    rules(tinycss2.parse_rule_list(node.content), nested=nested)
                else:
                    rules(tinycss2.parse_blocks_contents(node.content), nested=True)
            elif (
                isinstance(node, ast.Declaration)
                and not node.name.startswith("--")
                and all(value.type in {"whitespace", "comment"} for value in node.value)
            ):
                found.append(f"line {node.source_line}: `{node.name}` has no value")

    rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), nested=False)
    return list(dict.fromkeys(found))


def test_every_stylesheet_template_is_checked():
    templates = {
        str(Path(*path.parts[path.parts.index("templates") + 1 :]))
        for path in ROOT.rglob("templates/**/*.css")
    }
    assert templates == TEMPLATE_STYLESHEETS


@pytest.mark.parametrize("path", static_stylesheets(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_static_stylesheet_parses_without_an_error(path):
    assert problems(path.read_text()) == []


def test_each_themes_stylesheet_parses_without_an_error():
    found = [
        f"{name}: {problem}"
        for name, text in rendered_site_stylesheets()
        for problem in problems(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".a { color: red; }\n.b { color: blue;", "1 block(s) never closed: a `}` is missing"),
        (".a { color: red; }}", "line 1: Unmatched }"),
        (
            ".a { color: red;\n.b { color: blue; }\n}",
            "line 2: a rule inside a rule (a `}` is missing?)",
        ),
        (".a { color: ; }", "line 1: `color` has no value"),
        (
            "@media (min-width: 4rem) { .a { color: red; }",
            "1 block(s) never closed: a `}` is missing",
        ),
        (".a { color: red; ] }", "line 1: Unmatched ]"),
    ],
)
def test_the_check_catches_what_breaks_a_stylesheet(text, expected):
    assert expected in problems(text)


def test_the_check_passes_braces_in_comments_strings_and_custom_properties():
    text = (
        '/* } { */ .a::after { content: "}"; --x: { }; }\n@media (width > 4rem) { .a { top: 0 } }'
    )
    assert problems(text) == []
