"""The organization in the panel (interface): admins at ``/panel/organization/`` (C8), and
every member's "Your organization" page at ``/panel/organization/me/`` (P24).

Admin pages need a second factor; a member's page and every action also need a recent
re-authentication (P32, ``sensitive_action``). What an admin sees of a member is their
account's public-facing details and their sites' statistics: never a password, a session,
a second-factor secret or an unpublished draft, and there is no "sign in as".
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import sensitive_action, signed_in_user
from mosaic.accounts.models import User
from mosaic.organizations import closing, members, powers, rights, services
from mosaic.organizations.forms import (
    ActionForm,
    DeleteOrganizationForm,
    DomainForm,
    HandOverForm,
    NewOrganizationForm,
)
from mosaic.organizations.models import AdminAction, Domain, Membership
from mosaic.staff.roles import has_second_factor
from mosaic.stats.dashboard import report
from mosaic.websites.models import Site


def _admin_or_none(request: HttpRequest) -> Membership | None:
    return powers.admin_membership(signed_in_user(request))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    membership = Membership.objects.filter(user=user).select_related("organization").first()
    if membership is None:
        return _create(request, user)
    if powers.admin_membership(user) is None:  # a member, or its organization is closing
        return redirect("organizations:mine")
    organization = membership.organization
    domains = organization.domains.order_by("name")
    # Accounts in their notice period are only counted: until they are claimed, the admins
    # learn nothing of them (they may still move to a personal address).
    people = (
        Membership.objects.filter(organization=organization, claimed_at__isnull=False)
        .select_related("user", "domain")
        .order_by("claimed_at", "user__username")
    )
    waiting = Membership.objects.filter(organization=organization, claimed_at__isnull=True)
    return render(
        request,
        "organizations/admin.html",
        {
            "organization": organization,
            "membership": membership,
            "domains": domains,
            "people": people,
            "waiting": waiting.count(),
            "domain_form": DomainForm(),
            "second_factor": has_second_factor(user),
            "pending_days": services.pending_until,
        },
    )


def _create(request: HttpRequest, user: User) -> HttpResponse:
    form = NewOrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # no organization without its first domain
                organization = services.create_organization(
                    owner=user, name=form.cleaned_data["name"]
                )
                services.add_domain(organization=organization, name=form.cleaned_data["domain"])
        except services.DomainTaken:
            form.add_error("domain", _("This domain already belongs to an organization."))
        else:
            messages.success(request, _("Organization created. Add the DNS record below."))
            return redirect("organizations:home")
    status = 400 if form.errors else 200
    return render(request, "organizations/create.html", {"form": form}, status=status)


@login_required
@require_POST
def add_domain(request: HttpRequest) -> HttpResponse:
    membership = _admin_or_none(request)
    if membership is None:
        raise Http404
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            services.add_domain(
                organization=membership.organization, name=form.cleaned_data["domain"]
            )
        except services.DomainTaken:
            messages.error(request, _("This domain already belongs to an organization."))
        else:
            messages.success(request, _("Domain added. Add its DNS record, then check."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("domain", [])))
    return redirect("organizations:home")


@login_required
@require_POST
def check_domain(request: HttpRequest, domain_id: int) -> HttpResponse:
    membership = _admin_or_none(request)
    if membership is None:
        raise Http404
    domain = get_object_or_404(Domain, pk=domain_id, organization=membership.organization)
    status = services.check_domain(domain=domain)
    domain.refresh_from_db()
    if status == Domain.Status.VERIFIED:
        messages.success(request, _("%(name)s is verified.") % {"name": domain.name})
    else:
        messages.error(request, domain.last_result)
    return redirect("organizations:home")


@login_required
@require_POST
def remove_domain(request: HttpRequest, domain_id: int) -> HttpResponse:
    """Owners give a domain up: the memberships through it end (``services.remove_domain``)."""
    membership = _admin_or_none(request)
    if membership is None:
        raise Http404
    domain = get_object_or_404(Domain, pk=domain_id, organization=membership.organization)
    if membership.role != Membership.Role.OWNER:
        messages.error(request, _("Only an owner can remove a domain."))
    else:
        ended = services.remove_domain(domain=domain)
        messages.success(
            request,
            _("%(name)s is removed. Memberships that ended with it: %(count)s.")
            % {"name": domain.name, "count": ended},
        )
    return redirect("organizations:home")


def _admin_for(request: HttpRequest, user_id: int) -> tuple[User, User]:
    """The admin and a member of their organization, or 404 (whose members they are is
    nobody else's business)."""
    admin = signed_in_user(request)
    mine = powers.admin_membership(admin)
    if mine is None:
        raise Http404
    theirs = get_object_or_404(
        Membership.objects.select_related("user"),
        user_id=user_id,
        organization_id=mine.organization_id,
        claimed_at__isnull=False,
    )
    return admin, theirs.user


def _second_factor_first(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/second_factor.html", status=403)


@sensitive_action
def member(request: HttpRequest, user_id: int) -> HttpResponse:
    admin, person = _admin_for(request, user_id)
    if not has_second_factor(admin):
        return _second_factor_first(request)
    try:
        powers.view_member(admin=admin, member=person)
    except powers.NotAllowed as exc:
        raise Http404 from exc
    return _member_page(request, person, ActionForm())


def _member_page(request: HttpRequest, person: User, form: ActionForm) -> HttpResponse:
    today = timezone.localdate()
    sites = [
        (site, report(site=site, days=30, today=today))
        for site in Site.objects.live().filter(owner=person).order_by("slug")
    ]
    return render(
        request,
        "organizations/member.html",
        {
            "person": person,
            "membership": Membership.objects.get(user=person),
            "sites": sites,
            "form": form,
            "actions": AdminAction.objects.filter(member=person).order_by("-at")[:50],
        },
        status=400 if form.errors else 200,
    )


@sensitive_action
@require_POST
def act(request: HttpRequest, user_id: int) -> HttpResponse:
    admin, person = _admin_for(request, user_id)
    if not has_second_factor(admin):
        return _second_factor_first(request)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _member_page(request, person, form)
    data = form.cleaned_data
    kind, reason = data["action"], data["reason"]
    try:
        if kind == "password":
            powers.require_new_password(admin=admin, member=person, reason=reason)
        elif kind == "suspend":
            powers.suspend(admin=admin, member=person, reason=reason, security=data["security"])
        elif kind == "unsuspend":
            powers.lift_suspension(admin=admin, member=person, reason=reason)
        elif kind == "block":
            powers.block(admin=admin, member=person, reason=reason)
        elif kind in ("restrict", "unrestrict"):
            powers.set_right(
                admin=admin,
                member=person,
                right=data["right"],
                allowed=kind == "unrestrict",
                reason=reason,
            )
        else:
            role = Membership.Role.ADMIN if kind == "make_admin" else Membership.Role.MEMBER
            powers.set_role(admin=admin, member=person, role=role, reason=reason)
    except powers.NotAllowed:
        messages.error(request, _("That action does not apply to this member now."))
    else:
        messages.success(request, _("Done. The member can see it on their organization page."))
    if kind == "block":
        return redirect("organizations:home")
    return redirect("organizations:member", user_id=person.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """P24: what the organization's admins can do, what they did about me, and what is
    restricted now."""
    user = signed_in_user(request)
    membership = (
        Membership.objects.filter(user=user).select_related("organization", "domain").first()
    )
    actions = AdminAction.objects.filter(member=user).order_by("-at")
    unseen = [action.pk for action in actions if action.seen_at is None]
    page = render(
        request,
        "organizations/mine.html",
        {
            "membership": membership,
            "actions": actions,
            "unseen": set(unseen),
            "admins": members.admins(membership.organization) if membership else [],
            "restricted": [
                rights.LABELS[right]
                for right in rights.RIGHTS
                if membership is not None and membership.is_claimed and getattr(membership, right)
            ],
            "rights": [rights.LABELS[right] for right in rights.RIGHTS],
        },
    )
    AdminAction.objects.filter(pk__in=unseen).update(seen_at=timezone.now())
    return page


def _owner_or_refusal(request: HttpRequest) -> Membership | HttpResponse:
    """The signed-in owner's membership, or the page that refuses them: the owner-only page
    (403) for anyone else, admins and members included, and the second-factor page (403)
    for an owner without one."""
    user = signed_in_user(request)
    membership = Membership.objects.filter(user=user).select_related("organization").first()
    if membership is None or not membership.is_owner or membership.organization.closing_at:
        return render(request, "organizations/owner_only.html", status=403)
    if not has_second_factor(user):
        return _second_factor_first(request)
    return membership


@sensitive_action
def hand_over(request: HttpRequest) -> HttpResponse:
    """C8, P24, P32: the owner makes an admin the owner, in two steps (choose, then confirm),
    after a recent re-authentication and with a second factor (``powers.hand_over``)."""
    mine = _owner_or_refusal(request)
    if isinstance(mine, HttpResponse):
        return mine
    organization = mine.organization
    candidates = list(
        members.admins(organization).filter(
            role=Membership.Role.ADMIN, user__scheduled_deletion_at__isnull=True
        )
    )
    form = HandOverForm(request.POST or None, candidates=candidates)
    context = {"organization": organization, "form": form, "candidates": candidates}
    if request.method == "POST" and form.is_valid():
        to = form.candidates[form.cleaned_data["to"]]
        if request.POST.get("confirm") != "yes":
            return render(request, "organizations/hand_over_confirm.html", {**context, "to": to})
        try:
            powers.hand_over(owner=mine.user, to=to, reason=form.cleaned_data["reason"])
        except powers.NotAllowed:
            messages.error(request, _("That admin cannot take the organization over now."))
            return redirect("organizations:hand_over")
        messages.success(
            request,
            _("%(name)s is now the owner and has been told by email. You are an admin.")
            % {"name": to.username},
        )
        return redirect("organizations:home")
    return render(
        request,
        "organizations/hand_over.html",
        context,
        status=400 if form.errors else 200,
    )


@sensitive_action
def delete(request: HttpRequest) -> HttpResponse:
    """C8, P24, P34: the owner deletes the organization after typing its name, with a recent
    re-authentication (P32) and a second factor (``closing.delete_organization`` says what
    ends and what stays). The request returns at once; the members are released by a task."""
    mine = _owner_or_refusal(request)
    if isinstance(mine, HttpResponse):
        return mine
    organization = mine.organization
    form = DeleteOrganizationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        released = closing.delete_organization(owner=mine.user)
        messages.success(
            request,
            ngettext(
                "%(name)s is deleted. Its %(count)s other member is being released and told "
                "by email.",
                "%(name)s is deleted. Its %(count)s other members are being released and told "
                "by email.",
                released,
            )
            % {"name": organization.name, "count": released},
        )
        return redirect("organizations:home")
    people = Membership.objects.filter(organization=organization).exclude(pk=mine.pk)
    return render(
        request,
        "organizations/delete.html",
        {
            "organization": organization,
            "form": form,
            "people": people.count(),
            "domains": organization.domains.order_by("name"),
            "audit_log_days": settings.AUDIT_LOG_DAYS,
        },
        status=400 if form.errors else 200,
    )
