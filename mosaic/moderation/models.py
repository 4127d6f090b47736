from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """Why something is reported, and why moderation acted: the fixed list the report form
    offers and the transparency report counts (P26)."""

    SPAM = "spam", _("Spam or a scam")
    HARASSMENT = "harassment", _("Harassment or hate")
    VIOLENCE = "violence", _("Violence or threats")
    SEXUAL = "sexual", _("Sexual content")
    CHILD_SAFETY = "child-safety", _("A child's safety")
    PRIVATE_INFORMATION = "private-info", _("Someone's private information")
    IMPERSONATION = "impersonation", _("Impersonation")
    INTELLECTUAL_PROPERTY = "copyright", _("Copyright or trademark")
    ILLEGAL = "illegal", _("Something else illegal")


class AbuseReport(models.Model):
    """A visitor's report about a public site or one of its photos. No address is stored (the
    rate limit keeps one in the cache for its window only); the email is optional."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")
        ACTED = "acted", _("acted on")

    site = models.ForeignKey("websites.Site", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: a member's comment on the site's page (``mosaic.comments``), when it is what is reported
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground = models.CharField(_("reason"), max_length=16, choices=Ground.choices)
    details = models.TextField(_("what is wrong"), max_length=2000, blank=True)
    email = models.EmailField(_("your email address"), blank=True)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.ForeignKey(
        "ModerationAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.ground})"


class ModerationAction(models.Model):
    """What moderation did, with the reason its owner reads in the panel; the owner may appeal
    once, and moderation answers the appeal (upheld, or reversed: the action is undone)."""

    class Kind(models.TextChoices):
        HIDE_PHOTO = "hide-photo", _("photo hidden")
        BLOCK_SITE = "block-site", _("site blocked")
        BLOCK_ACCOUNT = "block-account", _("account blocked")
        HIDE_COMMENT = "hide-comment", _("comment hidden")

    class Appeal(models.TextChoices):
        NONE = "", _("no appeal")
        PENDING = "pending", _("appeal waiting for an answer")
        UPHELD = "upheld", _("appeal refused: the decision stands")
        REVERSED = "reversed", _("appeal granted: the decision is undone")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    ground = models.CharField(max_length=16, choices=Ground.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    site = models.ForeignKey(
        "websites.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the hidden comment (its author is ``owner``: the person who may appeal)
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=2000, help_text="Shown to the owner.")
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal = models.CharField(max_length=10, choices=Appeal.choices, default="", blank=True)
    appeal_text = models.TextField(max_length=2000, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_answer = models.TextField(max_length=2000, blank=True)
    appeal_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-decided_at"]), models.Index(fields=["appeal"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def may_appeal(self) -> bool:
        return self.appeal == self.Appeal.NONE
