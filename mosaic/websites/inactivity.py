"""P06: a site whose owner has neither signed in nor edited it for ``WEBSITES_INACTIVE_DAYS`` is
deleted permanently, with its imported content, after warning emails
(``WEBSITES_INACTIVE_WARNING_DAYS`` before: 30 and 7 by default).

Activity is the latest of: the site's creation, the owner's last edit of it (``edited_at``, set
by ``note_owner_edit``; a republish after an Instagram sync is not the owner's doing), the
owner's last sign-in and the last request of any of their sessions. The deadline is that moment
plus the period; coming back moves it. A warning is sent once per (deadline, lead time), and a
site is deleted only when its deadline has passed *and* the last warning is at least its lead
time old, so a late warning (the scheduler was down) still gives the owner the full notice.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

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


def sites_to_act_on(now: dt.datetime) -> QuerySet[Site]:
    """Sites whose first warning is due, or later. Sites and accounts already deleted (in their
    quarantine) are left to P08."""
    first_lead = dt.timedelta(days=max(settings.WEBSITES_INACTIVE_WARNING_DAYS))
    sites = with_deadline(
        Site.objects.filter(owner__scheduled_deletion_at__isnull=True, deleted_at__isnull=True)
    )
    return sites.filter(deletion_deadline__lte=now + first_lead)  # type: ignore[misc]


def act_on_inactive_site(*, site: Site, now: dt.datetime) -> str:
    """Send the warning that is due, or delete the site once every warning had its time.
    ``site`` carries the ``with_deadline`` annotations. Returns what was done: "warned",
    "deleted" or "" (waiting)."""
    deadline: dt.datetime = site.deletion_deadline  # type: ignore[attr-defined]
    sent = {
        warning.days_before: warning.sent_at
        for warning in InactivityWarning.objects.filter(site=site, deadline=deadline)
    }
    for days in settings.WEBSITES_INACTIVE_WARNING_DAYS:  # the longest lead first
        if days not in sent and now >= deadline - dt.timedelta(days=days):
            warning = InactivityWarning.objects.create(
                site=site, deadline=deadline, days_before=days, sent_at=now
            )
            transaction.on_commit(partial(send_inactivity_warning.enqueue, warning_id=warning.pk))
            return "warned"
    last_lead = min(settings.WEBSITES_INACTIVE_WARNING_DAYS)
    if last_lead in sent and now >= max(deadline, sent[last_lead] + dt.timedelta(days=last_lead)):
        delete_inactive_site(site=site)
        return "deleted"
    return ""


def delete_inactive_site(*, site: Site) -> None:
    """P06, P05: delete the site, its published files and, when the owner has no other site, the
    content imported for it (posts, photos, videos); the account itself stays."""
    with transaction.atomic():
        if not Site.objects.live().filter(owner_id=site.owner_id).exclude(pk=site.pk).exists():
            for post in Post.objects.filter(owner_id=site.owner_id):
                delete_post(post=post)
        erase_site(site=site)
    logger.info("deleted inactive site %s (P06)", site.pk)


@task()
def send_inactivity_warning(*, warning_id: int) -> None:
    """P06: tell the owner when their site will be deleted and how to keep it."""
    warning = InactivityWarning.objects.select_related("site__owner").filter(pk=warning_id).first()
    if warning is None or not warning.site.owner.email:
        return  # the site is gone meanwhile
    context = {
        "site": warning.site,
        "deadline": warning.deadline,
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string("websites/email/inactivity_warning_subject.txt", context).strip(),
        render_to_string("websites/email/inactivity_warning_message.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [warning.site.owner.email],
    )
