"""Forms of the site editor: every value checked, with a message a person can act on."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mosaic.organizations import rights
from mosaic.posts.models import ALT_TEXT_MAX
from mosaic.websites import collection, contact, rules, search, socials
from mosaic.websites.models import Site


def timezone_choices() -> list[tuple[str, str]]:
    """UTC and the IANA zones named for a place (not "localtime" or "Factory")."""
    names = sorted(name for name in available_timezones() if "/" in name)
    return [("UTC", "UTC")] + [(name, name.replace("_", " ")) for name in names]


class SlugField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=gettext_lazy("Address"),
            max_length=rules.SLUG_MAX,
            help_text=gettext_lazy("Lowercase letters, digits and hyphens; 3 to 40 characters."),
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        return rules.check_slug(str(super().clean(value)))


def _unique_slug(slug: str, *, exclude: int | None = None) -> str:
    taken = Site.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(_("This address is taken. Please choose another."))
    return slug


class NewSiteForm(forms.Form):
    slug = SlugField()
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)

    def clean_slug(self) -> str:
        return _unique_slug(self.cleaned_data["slug"])


class SettingsForm(forms.Form):
    slug = SlugField()
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see the site"),
        choices=Site.Visibility.choices,
        widget=forms.RadioSelect,
    )
    hide_from_search = forms.BooleanField(
        label=gettext_lazy("Ask search engines not to index this site"), required=False
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the site's own words"),
        help_text=gettext_lazy(
            "Such as “Older” and “Skip to content”; your captions stay as written."
        ),
        choices=settings.LANGUAGES,
        required=False,  # left out: the site keeps its language
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone for scheduled links"),
        choices=timezone_choices,
        required=False,  # left out: the site keeps its time zone
    )

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        # C8: while the owner's organization forbids changing privacy settings, the two are
        # shown as they are, disabled, with the reason (the service refuses a change anyway).
        why = rights.restriction(site.owner, rights.PRIVACY_CHANGES)
        if why:
            for name in ("visibility", "hide_from_search"):
                self.fields[name].disabled = True
                self.initial[name] = getattr(site, name)
            self.fields["visibility"].help_text = why

    def clean_slug(self) -> str:
        return _unique_slug(self.cleaned_data["slug"], exclude=self.site.pk)


class DesignForm(forms.ModelForm[Site]):
    class Meta:
        model = Site
        fields = ["title", "bio", "theme", "accent"]
        labels = {
            "title": gettext_lazy("Title"),
            "bio": gettext_lazy("About"),
            "theme": gettext_lazy("Theme"),
            "accent": gettext_lazy("Accent colour"),
        }
        widgets = {
            "theme": forms.RadioSelect,
            "accent": forms.TextInput(attrs={"type": "color"}),
            "bio": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        accent, theme = data.get("accent"), data.get("theme")
        if accent and theme:
            try:
                data["accent"] = rules.check_accent(accent, theme=theme)
            except ValidationError as error:
                self.add_error("accent", error)
        return data


class LocalTimeField(forms.DateTimeField):
    """A date and time typed in the owner's time zone (``<input type="datetime-local">``)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, input_formats=["%Y-%m-%dT%H:%M"], **kwargs)


class LinkForm(forms.Form):
    template_name_p = "websites/panel/_link_form_p.html"

    label = forms.CharField(label=gettext_lazy("Label"), max_length=60)
    url = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        strip=False,
        help_text=gettext_lazy("https://…, mailto:… or tel:…"),
    )
    starts_at = LocalTimeField(
        label=gettext_lazy("Show from (optional)"),
        help_text=gettext_lazy("Empty: shown at once."),
    )
    ends_at = LocalTimeField(
        label=gettext_lazy("Show until (optional)"),
        help_text=gettext_lazy("Empty: shown until you remove it."),
    )

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        """``zone``: the site's time zone, in which the times are typed and shown."""
        self.zone = ZoneInfo(zone)
        initial = dict(kwargs.pop("initial", None) or {})
        for name in ("starts_at", "ends_at"):  # shown as the owner's local time
            if isinstance(initial.get(name), dt.datetime):
                initial[name] = initial[name].astimezone(self.zone).replace(tzinfo=None)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = format_lazy(
                "{} {}",
                self.fields[name].help_text,
                _("Time zone: %(zone)s.") % {"zone": zone.replace("_", " ")},
            )

    def full_clean(self) -> None:
        # Typed times are the owner's local times (a time that does not exist there, in a
        # daylight-saving gap, is refused by the field with a message).
        with timezone.override(self.zone):
            super().full_clean()

    def clean_url(self) -> str:
        return rules.check_link_url(self.cleaned_data["url"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error(
                "ends_at", _("The end must be after the start. Change one of the two times.")
            )
        return data


class PostLinkForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        strip=False,
        help_text=gettext_lazy("A product, an article…: https://…, mailto:… or tel:…"),
    )
    label = forms.CharField(
        label=gettext_lazy("Button text (optional)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Empty: the site's name, such as shop.example."),
    )

    def clean_url(self) -> str:
        return rules.check_link_url(self.cleaned_data["url"])


class AltTextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Alt text"),
        max_length=ALT_TEXT_MAX,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SocialsForm(forms.Form):
    """One optional field per network: a profile address or a handle (``socials.clean``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for network in socials.NETWORKS:
            self.fields[network.key] = forms.CharField(
                label=network.label,
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": network.example}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for network in socials.NETWORKS:
            value = cleaned.get(network.key, "")
            if value:
                try:
                    cleaned[network.key] = socials.clean(network.key, value)
                except ValidationError as error:
                    self.add_error(network.key, error)
        return cleaned

    def addresses(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class ContactForm(forms.Form):
    """The contact card: each field published only when filled in (``contact``)."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Empty: the site's title."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254, required=False)
    website = forms.CharField(label=gettext_lazy("Website"), max_length=300, required=False)

    def clean_name(self) -> str:
        return contact.clean_name(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return contact.clean_phone(value) if value else ""

    def clean_website(self) -> str:
        value = self.cleaned_data["website"]
        return contact.clean_website(value) if value else ""


class SearchForm(forms.Form):
    """Search and sharing settings (``websites.search``); each may be left empty for its
    default (the title, the bio, the pinned photo)."""

    title = forms.CharField(
        label=gettext_lazy("Title in search results and shared links"),
        max_length=search.TITLE_MAX,
        required=False,
        error_messages={
            "max_length": gettext_lazy(
                "Please shorten the title to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
        help_text=gettext_lazy("Up to 70 characters. Empty: your site's title."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description for search and shared links"),
        max_length=search.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": gettext_lazy(
                "Please shorten the description to %(limit_value)d characters "
                "(it has %(show_value)d)."
            )
        },
        help_text=gettext_lazy("Up to 200 characters. Empty: your bio."),
    )
    image = forms.CharField(label=gettext_lazy("Share image"), required=False, max_length=12)

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id = owner_id

    def clean_title(self) -> str:
        return search.check_text(self.cleaned_data["title"])

    def clean_description(self) -> str:
        return search.check_text(self.cleaned_data["description"], multiline=True)

    def clean_image(self) -> int | None:
        value = self.cleaned_data["image"].strip()
        if not value:
            return None
        photo = search.share_photo(self.owner_id, int(value) if value.isdigit() else None)
        if photo is None:
            raise ValidationError(
                _("That photo is not one of yours, or it is not ready yet. Please choose another.")
            )
        return photo.pk

    def settings(self) -> dict[str, Any]:
        """The settings to keep: only those that are set."""
        data = self.cleaned_data
        return search.shown(
            {"title": data["title"], "description": data["description"], "image": data["image"]}
        )


class CollectionForm(forms.Form):
    """A collection's title and URL name: the title's slug unless the owner writes one."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=80)
    name = forms.CharField(
        label=gettext_lazy("Name in the address (optional)"),
        max_length=200,  # longer is refused with the rule (``collection.name_problem``)
        required=False,
        help_text=gettext_lazy("Empty: made from the title. Letters, digits and hyphens."),
    )

    def __init__(self, *args: Any, site_id: int, exclude_id: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.site_id, self.exclude_id = site_id, exclude_id

    def clean_title(self) -> str:
        return search.check_text(self.cleaned_data["title"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title"):
            return data
        written = search.check_text(data.get("name", ""))
        name = (
            collection.url_name(written) if written else collection.name_from_title(data["title"])
        )
        problem = collection.name_problem(self.site_id, name, exclude_id=self.exclude_id)
        if problem:
            self.add_error("name" if written else "title", problem)
        data["name"] = name
        return data


class AvatarForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("Upload a photo"))


class DeleteSiteForm(forms.Form):
    slug = forms.CharField(label=gettext_lazy("Type the site's address to confirm"), max_length=40)

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_slug(self) -> str:
        value: str = self.cleaned_data["slug"].strip()
        if value != self.site.slug:
            raise ValidationError(_("That is not this site's address."))
        return value
