"""P06: a site whose owner has neither signed in nor edited it for ``WEBSITES_INACTIVE_DAYS`` is
deleted permanently, with its imported content, after warning emails
(``WEBSITES_INACTIVE_WARNING_DAYS`` before: 30 and 7 by default).

Activity is the latest of: the site's creation, the owner's last edit of it (``edited_at``, set
by ``note_owner_edit``; a republish after an Instagram sync is not the owner's doing), the
owner's last sign-in and the last request of any of their sessions. The deadline is that moment
plus the period; coming back moves it. A warning is written once per (deadline, lead time), and
a site is deleted only when its deadline has passed *and* every warning was delivered (the mail
server took it) at least its lead time before, so a late or slow warning (the scheduler was
down, the mail server refused it for a day) moves the deletion later, never shortens the notice.
"""

from __future__ import annotations

import datetime as dt
import logging

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from mosaic.mail.models import Delivery
from mosaic.mail.services import send
from mosaic.posts.models import Post
from mosaic.posts.services import delete_post
from mosaic.websites.models import InactivityWarning, Site
from mosaic.websites.services import erase_site

logger = logging.getLogger(__name__)


def note_owner_edit(*, site: Site) -> None:
    """Record that the owner edited the site (P06: it counts as activity)."""
    site.edited_at = timezone.now()
    Site.objects.filter(pk=site.pk).update(edited_at=site.edited_at)


def with_deadline(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate ``last_activity`` and ``deletion_deadline`` (P06) on each site."""
    last_seen = (
        UserSession.objects.filter(user=OuterRef("owner"))
        .order_by("-last_seen_at")
        .values("last_seen_at")[:1]
    )
    created = F("created_at")
    activity = Greatest(
        created,
        Coalesce("edited_at", created),
        Coalesce("owner__last_login", created),
        Coalesce(Subquery(last_seen, output_field=DateTimeField()), created),
    )
    period = dt.timedelta(days=settings.WEBSITES_INACTIVE_DAYS)
    return queryset.annotate(last_activity=activity).annotate(
        deletion_deadline=ExpressionWrapper(F("last_activity") + period, DateTimeField())
    )


def inactive_period() -> dt.timedelta:
    return dt.timedelta(days=settings.WEBSITES_INACTIVE_DAYS)


def quiet_sites(quiet_since: dt.datetime) -> QuerySet[Site]:
    """Live sites of live accounts with no activity of any kind after ``quiet_since``.

    A deadline is the latest activity plus the period, so a site can be due only when each kind
    of activity is older than that. Filtering on each first (the owner's sign-in by its index)
    leaves the exact check (``with_deadline``) to the few sites that can be due, not to every
    site: the sweep and the self-audit cost the same with ten thousand sites or a million.
    """
    return Site.objects.filter(
        Q(owner__last_login__isnull=True) | Q(owner__last_login__lte=quiet_since),
        Q(edited_at__isnull=True) | Q(edited_at__lte=quiet_since),
        created_at__lte=quiet_since,
        owner__scheduled_deletion_at__isnull=True,
        deleted_at__isnull=True,
    )


def sites_to_act_on(now: dt.datetime) -> QuerySet[Site]:
    """Sites whose first warning is due, or later. Sites and accounts already deleted (in their
    quarantine) are left to P08."""
    first_lead = dt.timedelta(days=max(settings.WEBSITES_INACTIVE_WARNING_DAYS))
    candidates = quiet_sites(now + first_lead - inactive_period())
    return with_deadline(candidates).filter(  # type: ignore[misc]
        deletion_deadline__lte=now + first_lead
    )


def act_on_inactive_site(*, site: Site, now: dt.datetime) -> str:
    """Send the warning that is due, or delete the site once every warning had its time.
    ``site`` carries the ``with_deadline`` annotations. Returns what was done: "warned",
    "deleted" or "" (waiting).

    A warning counts from when the mail server took it (P06), so the deletion date only ever
    moves later: each warning of lead ``d`` is written once the previous one was delivered and
    ``d`` days remain, and the site goes only ``d`` days after every warning was delivered. A
    warning whose email was given up (or whose record is gone) is written again.
    """
    deadline: dt.datetime = site.deletion_deadline  # type: ignore[attr-defined]
    warnings = {
        warning.days_before: warning
        for warning in InactivityWarning.objects.filter(
            site=site, deadline=deadline
        ).select_related("delivery")
    }
    deletes_on = deadline
    for days in sorted(settings.WEBSITES_INACTIVE_WARNING_DAYS, reverse=True):
        lead = dt.timedelta(days=days)
        warning = warnings.get(days)
        if warning is None:
            if now < deletes_on - lead:
                return ""
            with transaction.atomic():
                warning = InactivityWarning.objects.create(
                    site=site, deadline=deadline, days_before=days, created_at=now
                )
                _send_warning(warning, deletes_on=max(deletes_on, now + lead))
            return "warned"
        delivered = _delivered_at(warning)
        if delivered is None:
            if warning.delivery is None or warning.delivery.done:  # given up, or swept
                with transaction.atomic():
                    _send_warning(warning, deletes_on=max(deletes_on, now + lead))
                return "warned"
            return ""  # on its way: the notice starts when it arrives
        deletes_on = max(deletes_on, delivered + lead)
    if now < deletes_on:
        return ""
    delete_inactive_site(site=site)
    return "deleted"


def _delivered_at(warning: InactivityWarning) -> dt.datetime | None:
    """When the mail server took the warning, kept on the warning once seen (the delivery
    record is deleted after MAIL_DELIVERY_DAYS)."""
    delivery = warning.delivery
    if warning.delivered_at is None and delivery and delivery.status == Delivery.Status.SENT:
        warning.delivered_at = delivery.sent_at
        InactivityWarning.objects.filter(pk=warning.pk).update(delivered_at=delivery.sent_at)
    return warning.delivered_at


def _send_warning(warning: InactivityWarning, *, deletes_on: dt.datetime) -> None:
    """P06: tell the owner when their site will be deleted (at the earliest) and how to keep it."""
    site = warning.site
    owner = site.owner
    if not owner.email:  # nowhere to write to: the notice runs from now
        InactivityWarning.objects.filter(pk=warning.pk).update(delivered_at=timezone.now())
        return
    warning.delivery = send(
        "websites/email/inactivity_warning",
        to=owner.email,
        user=owner,
        context={
            "site": site,
            "deadline": deletes_on,
            "login_url": settings.SITE_URL + reverse("account_login"),
        },
    )  # in the owner's language (User.language): this job has none of its own
    InactivityWarning.objects.filter(pk=warning.pk).update(delivery=warning.delivery)


def delete_inactive_site(*, site: Site) -> None:
    """P06, P05: delete the site, its published files and, when the owner has no other site, the
    content imported for it (posts, photos, videos); the account itself stays."""
    with transaction.atomic():
        if not Site.objects.live().filter(owner_id=site.owner_id).exclude(pk=site.pk).exists():
            for post in Post.objects.filter(owner_id=site.owner_id):
                delete_post(post=post)
        erase_site(site=site)
    logger.info("deleted inactive site %s (P06)", site.pk)
