"""The public report form (P11: a honeypot and a signed start time besides the rate limit),
and the owner's appeal."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from mosaic.moderation.models import Ground

STARTED_SALT = "mosaic.moderation.report-started"


def started_token() -> str:
    return signing.dumps(int(time.time()), salt=STARTED_SALT)


class ReportForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("What is wrong?"), choices=Ground.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Anything we should know (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only to ask you about this report; deleted with it."),
    )
    # Spam defences (P11): people never see the first field, and a form sent back within
    # seconds of being opened, or hours later, or with a forged time, is refused.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = started_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This report could not be sent."), code="spam")
        try:
            started = signing.loads(
                data.get("started", ""),
                salt=STARTED_SALT,
                max_age=settings.MODERATION_REPORT_FORM_MAX_SECONDS,
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form is too old: please send it again."), code="stale"
            ) from None
        if (
            not isinstance(started, int)
            or time.time() - started < settings.MODERATION_REPORT_MIN_SECONDS
        ):
            raise forms.ValidationError(_("This report could not be sent."), code="spam")
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should we look again?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can appeal once."),
    )
