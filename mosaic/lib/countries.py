"""Country names in the reader's language, for pages that store ISO 3166 codes.

Django ships no country names; Babel carries the Unicode CLDR's, in every language Mosaic
offers. Only the display changes: the stored code stays as it is (a published report never
changes, P26).
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

#: CLDR's code for a region that is not known (a request recorded without a country).
UNKNOWN = "ZZ"


@cache
def _names(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(translation.to_locale(language)).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def country_name(code: str) -> str:
    """``code``'s name in the active language ("DE" -> "Germany", "Германия"); a code that is
    not a country (such as "??") reads as CLDR's unknown region; a code CLDR does not know,
    as itself."""
    names = _names(translation.get_language() or settings.LANGUAGE_CODE)
    code = code.upper()
    if not (len(code) == 2 and code.isalpha()):
        code = UNKNOWN
    return names.get(code, code)
