from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mosaic.comments.models import CommentSettings


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text; line breaks are kept."),
    )
    # Spam defence (P11): people never see this field (the template hides it); robots fill it.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        assert isinstance(text, forms.CharField)
        text.max_length = settings.COMMENTS_MAX_LENGTH
        text.validators.append(MaxLengthValidator(settings.COMMENTS_MAX_LENGTH))
        self.fields["text"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This comment could not be sent."), code="spam")
        return data


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Comments on this site's photos"),
        choices=CommentSettings.Mode.choices,
        widget=forms.RadioSelect,
    )
