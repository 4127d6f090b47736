"""What "Your data" calls each field the privacy categories export (P20).

One mapping for every category, because the same keys recur across them ("site", "status",
"written_at") and should read the same everywhere on the page. The export file keeps its own
keys; these are only the page's words for them. A key missing here is shown as itself with
spaces, so a new export field is never hidden by forgetting it.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Choices
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from mosaic.billing.models import Subscription
from mosaic.consent.models import Consent
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.mail.models import Delivery
from mosaic.moderation.models import Ground, ModerationAction
from mosaic.organizations.models import Membership
from mosaic.posts.models import Post
from mosaic.privacy.models import CorrectionRequest, DataExport
from mosaic.websites.models import Site

#: Fields a person cannot use on the page: content hashes and our internal numeric ids
#: (Instagram's, posts', photos'). They stay in the download.
HIDDEN = frozenset(
    {
        "id",
        "sha256",
        "avatar_sha256",
        "instagram_id",
        "instagram_user_id",
        "post",
        "post_id",
        "photo_id",
        "post_ids",
        "image",
    }
)

LABELS: dict[str, Promise] = {
    # the account and signing in
    "username": _("Username"),
    "email": _("Email address"),
    "date_joined": _("Joined"),
    "last_login": _("Last signed in"),
    "language": _("Language"),
    "email_addresses": _("Email addresses"),
    "verified": _("Verified"),
    "primary": _("Primary"),
    "sessions": _("Sessions"),
    "started": _("Started"),
    "last_seen": _("Last seen"),
    "ip": _("IP address"),
    "browser": _("Browser"),
    "known_devices": _("Known devices"),
    "network": _("Network"),
    "first_seen": _("First seen"),
    "authenticators": _("Two-factor methods"),
    "type": _("Type"),
    "created": _("Created"),
    "last_used": _("Last used"),
    # the profile
    "display_name": _("Display name"),
    "avatar": _("Avatar, in your download"),
    "avatar_uploaded_as": _("Avatar's file name"),
    "avatar_added": _("Avatar added"),
    # billing
    "subscription": _("Subscription"),
    "provider": _("Payment provider"),
    "current_period_end": _("Paid until"),
    "cancel_at_period_end": _("Ends when the period ends"),
    "billing_details": _("Billing details"),
    "name": _("Name"),
    "address": _("Address"),
    "country": _("Country"),
    "vat_id": _("VAT number"),
    "number": _("Number"),
    "issued_at": _("Issued"),
    "total": _("Total"),
    "currency": _("Currency"),
    "buyer": _("Buyer"),
    # sites, photos and posts
    "site": _("Site"),
    "title": _("Title"),
    "bio": _("Bio"),
    "theme": _("Theme"),
    "accent": _("Accent colour"),
    "visibility": _("Visibility"),
    "hide_from_search": _("Hidden from search engines"),
    "timezone": _("Time zone"),
    "links": _("Link buttons"),
    "photo_links": _("Photo links"),
    "social_icons": _("Social icons"),
    "contact_card": _("Contact card"),
    "search_and_sharing": _("Search and sharing"),
    "description": _("Description"),
    "phone": _("Phone"),
    "website": _("Website"),
    "collections": _("Collections"),
    "deleted_at": _("Deleted"),
    "filename": _("File name"),
    "added": _("Added"),
    "width": _("Width"),
    "height": _("Height"),
    "source": _("Source"),
    "caption": _("Caption"),
    "hashtags": _("Hashtags"),
    "taken_at": _("Taken"),
    "permalink": _("Link to the original"),
    "items": _("Photos and videos"),
    "comments": _("Comments"),
    "daily_counts": _("Daily counts"),
    # the directory, domains and Instagram
    "listed": _("Listed in the directory"),
    "sensitive": _("Marked sensitive"),
    "recommendations": _("Similar sites shown"),
    "indexed": _("In search"),
    "about": _("Bio"),
    "tags": _("Tags"),
    "domain": _("Domain"),
    "connection": _("Connection"),
    "connected_at": _("Connected"),
    "token_expires_at": _("Access expires"),
    "last_refresh_problem": _("Last refresh problem"),
    "imports": _("Imports"),
    # comments, mail, notices and consents
    "notice_confirmed_at": _("Comment notice confirmed"),
    "text": _("Text"),
    "written_at": _("Written"),
    "state": _("State"),
    "status": _("Status"),
    "to": _("To"),
    "subject": _("Subject"),
    "kind": _("Kind"),
    "sent_at": _("Sent"),
    "purpose": _("Purpose"),
    "given_at": _("Given"),
    "given_via": _("Given via"),
    "policy_version": _("Policy version"),
    "withdrawn_at": _("Withdrawn"),
    "subscribed_at": _("Subscribed"),
    "confirmed_at": _("Confirmed"),
    # moderation, blocks, corrections and exports
    "ground": _("Ground"),
    "decided_at": _("Decided"),
    "reason": _("Reason"),
    "appeal": _("Appeal"),
    "appeal_text": _("Your appeal"),
    "appeal_answer": _("Answer to your appeal"),
    "blocked_at": _("Blocked"),
    "lifted_at": _("Lifted"),
    "filed": _("Filed"),
    "deadline": _("Answer due"),
    "what_is_wrong": _("What is wrong"),
    "correction": _("Correction"),
    "answer": _("Answer"),
    "requested_at": _("Requested"),
    # organizations and operators
    "membership": _("Membership"),
    "organization": _("Organization"),
    "role": _("Role"),
    "notified_at": _("Notified"),
    "claimed_at": _("Claimed"),
    "suspended_at": _("Suspended"),
    "restrictions": _("Restrictions"),
    "no_deleting": _("No deleting"),
    "no_privacy_changes": _("No privacy changes"),
    "no_instagram": _("No Instagram"),
    "admin_actions_about_you": _("Admins' actions about you"),
    "admin_actions_you_took": _("Actions you took as an admin"),
    "admin": _("Admin"),
    "at": _("When"),
    "action": _("Action"),
    "detail": _("Detail"),
    "target": _("Concerning"),
}


def field_label(key: str) -> str:
    return str(LABELS.get(key, key.replace("_", " ")))


#: Fields stored as a code, by category and key (the same key means different things in
#: different categories: a site's "status" is not a payment's), with the model's own choices
#: whose label the page shows instead of the code.
CHOICES: dict[tuple[str, str], type[Choices]] = {
    ("security", "type"): Authenticator.Type,
    ("billing", "status"): Subscription.Status,
    ("websites", "theme"): Site.Theme,
    ("websites", "visibility"): Site.Visibility,
    ("posts", "source"): Post.Source,
    ("instagram", "status"): InstagramConnection.Status,
    ("consents", "purpose"): Consent.Purpose,
    ("consents", "given_via"): Consent.Source,
    ("email-deliveries", "kind"): Delivery.Kind,
    ("email-deliveries", "status"): Delivery.Status,
    ("moderation-decisions", "kind"): ModerationAction.Kind,
    ("moderation-decisions", "ground"): Ground,
    ("moderation-decisions", "appeal"): ModerationAction.Appeal,
    ("organization", "role"): Membership.Role,
    ("exports", "status"): DataExport.Status,
    ("corrections", "status"): CorrectionRequest.Status,
}

#: Lists of records the page names one by one, by the field that names each (an address, a
#: device); other lists are only counted.
NAMED_BY: dict[str, str] = {
    "email_addresses": "email",
    "known_devices": "browser",
    "authenticators": "type",
}

#: Fields holding a language code, shown as the language's name.
LANGUAGES = frozenset({"language"})


def value_label(category: str, key: str, value: Any) -> Any:
    """A stored code in the reader's words; any other value, or a code no longer among the
    choices, as it is."""
    if key in LANGUAGES and isinstance(value, str):
        try:
            return get_language_info(value)["name_translated"]
        except KeyError:
            return value
    choices = CHOICES.get((category, key))
    if choices is not None and value in choices.values:
        # Some labels are written to sit inside a sentence ("open", "photo hidden").
        return capfirst(choices(value).label)
    return value
