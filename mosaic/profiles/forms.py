from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from mosaic.profiles.services import clean_display_name, display_name_max_length


class DisplayNameField(forms.CharField):
    """A display name, optional (P28), checked by ``services.clean_display_name``: trimmed,
    no control characters, at most the account field's length."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Display name"))
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)  # trimmed after control characters are refused
        # The browser stops at the limit; the check explains any longer name it is sent.
        self.widget.attrs.update(maxlength=display_name_max_length(), autocomplete="name")

    def clean(self, value: Any) -> str:
        try:
            return clean_display_name(super().clean(value))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


class DisplayNameForm(forms.Form):
    display_name = DisplayNameField(
        help_text=gettext_lazy("Optional. Without one, your username shows.")
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=gettext_lazy("Choose a photo"),
        help_text=gettext_lazy(
            "JPEG, PNG, WebP or HEIC. It is cropped to a square; camera and location details"
            " are removed."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["avatar"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,.heic"
