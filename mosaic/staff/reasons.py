"""Reasons Mosaic itself writes into the action log, shown in the reader's language.

A person's reason (an admin's, an operator's) is kept as they typed it. A reason Mosaic writes
(an organization deleted with its owner's account, an admin opening a member's page) is kept as
a code with its numbers, ``mosaic:organization.dissolved?count=4``, and turned into words only
when shown (``shown``), with the ``gettext_lazy`` text its app declared (``declare``): a
Russian reader of the audit log, a member's page or an email reads Russian, and a stored entry
(never edited, P34) needs no translation of its own. An unknown code, or text stored before a
code existed, is shown as it is.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.utils.functional import Promise

PREFIX = "mosaic:"

_TEXTS: dict[str, Promise] = {}


def declare(code: str, text: Promise) -> str:
    """Declare what ``code`` says (a ``gettext_lazy`` text, with ``%(name)s`` for its numbers);
    returns the code."""
    if ":" in code or "?" in code or " " in code:
        raise ValueError(f"a reason code is a plain dotted name, not {code!r}")
    _TEXTS[code] = text
    return code


def stored(code: str, **values: int | str) -> str:
    """What to store for ``code`` and its numbers; ``ValueError`` for an undeclared code."""
    if code not in _TEXTS:
        raise ValueError(f"undeclared reason code {code!r}")
    query = urlencode(sorted((name, str(value)) for name, value in values.items()))
    return f"{PREFIX}{code}" + (f"?{query}" if query else "")


def shown(reason: str) -> str:
    """The reason in the active language: a declared code in words, anything else as kept."""
    if not reason.startswith(PREFIX):
        return reason
    code, _sep, query = reason[len(PREFIX) :].partition("?")
    text = _TEXTS.get(code)
    if text is None:
        return reason
    values = dict(parse_qsl(query))
    return str(text) % values if values else str(text)


def refuse_lookalike(reason: str) -> None:
    """A reason a person typed must not pass for one Mosaic wrote (shown translated, in
    Mosaic's words): ``ValidationError`` when it starts like a code."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if reason.strip().lower().startswith(PREFIX):
        raise ValidationError(
            _("Start the reason with something other than “%(prefix)s”.") % {"prefix": PREFIX},
            code="lookalike",
        )
