"""Forms of the directory: every value checked, with a message a person can act on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mosaic.discovery.search import MAX_PAGE, MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search sites"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters."),
        },
    )
    page = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE,
        required=False,
        error_messages={
            "invalid": _("That is not a page number."),
            "min_value": _("That is not a page number."),
            "max_value": _(
                "Only the first %(limit_value)d pages of results are shown: try more words."
            ),
        },
    )


class ChoicesForm(forms.Form):
    """P28, P18: the owner's directory choices for one site (listing off by default); the
    fieldset is written out in ``discovery/panel/_choices.html``."""

    listed = forms.BooleanField(required=False)
    sensitive = forms.BooleanField(required=False)
    recommend = forms.BooleanField(required=False)
