from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class ArchiveUploadForm(forms.Form):
    archive = forms.FileField(
        label=_("Your Instagram data download (ZIP, JSON format)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["archive"]
        limit = settings.INSTAGRAM_ARCHIVE_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("This file is larger than %(limit)s, the most Mosaic accepts.")
                % {"limit": filesizeformat(limit)}
            )
        head = upload.read(4)
        upload.seek(0)
        if head not in ZIP_MAGIC:
            raise forms.ValidationError(
                _("This is not a ZIP file. Upload the ZIP that Instagram sent you, unopened.")
            )
        return upload
