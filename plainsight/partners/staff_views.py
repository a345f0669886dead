"""Admin screens of the staff app: organizations, their people and roles, the audit log.

Thin HTTP: access is declared with ``staff_view`` and decided for objects by the
selectors; every change goes through a service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from plainsight.accounts import services as account_services
from plainsight.accounts.access import (
    ADMIN_ROLES,
    Scope,
    is_platform_admin,
    staff_view,
)
from plainsight.accounts.forms import InviteForm, PersonFactsForm, RolesForm
from plainsight.accounts.links import access_link_path
from plainsight.accounts.models import AccountToken, AccountTokenPurpose, User
from plainsight.accounts.selectors import link_keys_problem
from plainsight.accounts.services import IssuedLink
from plainsight.audit.selectors import audit_actions_for, audit_events_for
from plainsight.core.forms import attach_errors
from plainsight.keys.selectors import (
    keyring_for,
    organization_key_holders,
    organization_keys_exist,
)
from plainsight.keys.services import organization_recovery_key_replace
from plainsight.partners import selectors, services
from plainsight.partners.forms import OrganizationForm, OrganizationSetUpForm
from plainsight.partners.models import Membership, Role

logger = logging.getLogger(__name__)

GET = ("GET", "HEAD")
GET_POST = ("GET", "HEAD", "POST")
PLATFORM = frozenset({Role.PLATFORM_ADMIN})
AUDIT_PAGE_SIZE = 50


@staff_view(roles=ADMIN_ROLES, methods=GET)
def home(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_administered_by(user=request.user).filter(
        is_active=True
    )
    return render(
        request,
        "partners/staff/home.html",
        {"organizations": organizations, "is_platform_admin": is_platform_admin(request.user)},
    )


# --- Organizations (platform admins) ----------------------------------------------------


@staff_view(roles=PLATFORM, scope=Scope.PLATFORM, methods=GET)
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_for_platform(user=request.user).order_by(
        "-is_active", "name"
    )
    return render(
        request, "partners/staff/organization_list.html", {"organizations": organizations}
    )


@staff_view(roles=PLATFORM, scope=Scope.PLATFORM, reauthenticate=True, methods=GET_POST)
def organization_create(request: HttpRequest) -> HttpResponse:
    """Create an organization with its keys and invite its first admin.

    The answer shows the recovery key once (never through ``messages``, which are kept
    in the session) and the first admin's one-time link. Creating keys is a key change:
    the platform admin confirms who they are first.
    """
    form = OrganizationSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_up = services.organization_set_up(
                actor=request.user,  # type: ignore[arg-type]
                name=data["name"],
                kind=data["kind"],
                service_counties=data["service_counties"],
                admin_email=data["admin_email"],
                admin_first_name=data["admin_first_name"],
                admin_last_name=data["admin_last_name"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            first_admin = set_up.first_admin
            link = _one_time_link(request, first_admin)
            return render(
                request,
                "partners/staff/organization_created.html",
                {
                    "organization": set_up.organization,
                    "recovery_key": set_up.recovery_key.formatted,
                    "person": first_admin.user,
                    "link": link,
                    "code": first_admin.code,
                    "carries_keys": first_admin.carries_keys,
                    "expires_at": first_admin.expires_at,
                },
            )
    return render(
        request, "partners/staff/organization_form.html", {"form": form, "organization": None}
    )


@staff_view(roles=PLATFORM, scope=Scope.PLATFORM, methods=GET_POST)
def organization_edit(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = selectors.organization_for_platform(
        user=request.user, organization_id=organization_id
    )
    initial = {
        "name": organization.name,
        "kind": organization.kind,
        "service_counties": ", ".join(organization.service_counties),
    }
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                service_counties=form.cleaned_data["service_counties"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The organization was saved."))
            return redirect("partners_staff:organization_list")
    return render(
        request,
        "partners/staff/organization_form.html",
        {"form": form, "organization": organization},
    )


@staff_view(roles=PLATFORM, scope=Scope.PLATFORM, methods=GET_POST)
def organization_deactivate(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = selectors.organization_for_platform(
        user=request.user, organization_id=organization_id
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.organization_deactivate(actor=request.user, organization=organization)  # type: ignore[arg-type]
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The organization was deactivated."))
            return redirect("partners_staff:organization_list")
    return render(
        request,
        "partners/staff/organization_deactivate.html",
        {"organization": organization, "errors": errors},
    )


# --- People of one organization (its admins, and platform admins) -------------------------


@dataclass(frozen=True)
class PersonRow:
    person: User
    roles: list[Membership]
    pending_link: AccountToken | None
    # Whether the person holds the organization's keys (None: the organization has none).
    has_keys: bool | None = None


def _pending_link(person: User) -> AccountToken | None:
    """The person's live one-time link, from ``people_for``'s prefetch."""
    links = getattr(person, "pending_links", None) or []
    return links[0] if links else None


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET)
def organization(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = selectors.organization_for_admin(
        user=request.user, organization_id=organization_id
    )
    holders = organization_key_holders(organization=organization)
    rows = [
        PersonRow(
            person=person,
            roles=sorted(
                (m for m in getattr(person, "org_memberships", []) if m.is_active),
                key=lambda m: m.role,
            ),
            pending_link=_pending_link(person),
            has_keys=None if holders is None else person.pk in holders,
        )
        for person in selectors.people_for(user=request.user, organization=organization)
    ]
    return render(
        request,
        "partners/staff/organization.html",
        {"organization": organization, "rows": rows, "has_keys": holders is not None},
    )


def _one_time_link(request: HttpRequest, issued: IssuedLink) -> str:
    """The link with its access code after '#' (see plainsight.accounts.links)."""
    return request.build_absolute_uri(access_link_path(issued.code))


def _send_link_by_email(
    request: HttpRequest, *, person: Any, link: str, code: str, kind: str
) -> bool:
    """Email the one-time link when a mail server is configured. True if sent."""
    if not settings.PLAINSIGHT_SEND_EMAIL:
        return False
    context = {
        "person": person,
        "link": link,
        "code": code,
        "kind": kind,
        "site_name": settings.PLAINSIGHT_SITE_NAME,
    }
    try:
        send_mail(
            subject=render_to_string("partners/staff/email/link_subject.txt", context).strip(),
            message=render_to_string("partners/staff/email/link_message.txt", context),
            from_email=None,
            recipient_list=[person.email],
        )
    except OSError:
        # The link is shown to the admin anyway; no address or link in the log.
        logger.warning("could not send a one-time link by email")
        return False
    return True


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET_POST)
def person_invite(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = selectors.organization_for_admin(
        user=request.user, organization_id=organization_id
    )
    platform = is_platform_admin(request.user)
    # Before the form is filled in: a locked keyring signs the admin out (KeysLocked),
    # an admin without this organization's keys is told who can invite instead.
    keys_problem = link_keys_problem(request=request, organization=organization)
    form = InviteForm(
        request.POST or None,
        include_platform_admin=platform,
        supervisors=selectors.supervisors_for(organization=organization),
    )
    if request.method == "POST" and not keys_problem and form.is_valid():
        data = form.cleaned_data
        try:
            issued = account_services.account_invite(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                is_mandated_reporter=data["is_mandated_reporter"],
                caseworker_training_hours=data["caseworker_training_hours"],
                caseworker_supervisor=data["caseworker_supervisor"],
                caseworker_has_degree_or_license=data["caseworker_has_degree_or_license"],
                caseworker_trafficking_months=data["caseworker_trafficking_months"],
                request=request,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _link_issued(request, organization=organization, issued=issued)
    return render(
        request,
        "partners/staff/person_invite.html",
        {"organization": organization, "form": form, "keys_problem": keys_problem},
    )


def _link_issued(request: HttpRequest, *, organization: Any, issued: IssuedLink) -> HttpResponse:
    """The page that shows a new one-time link and its access code, once."""
    kind = "invitation" if issued.purpose == AccountTokenPurpose.INVITATION else "reset"
    link = _one_time_link(request, issued)
    emailed = _send_link_by_email(
        request, person=issued.user, link=link, code=issued.code, kind=kind
    )
    return render(
        request,
        "partners/staff/link_issued.html",
        {
            "organization": organization,
            "person": issued.user,
            "link": link,
            "code": issued.code,
            "carries_keys": issued.carries_keys,
            "keys_left_behind": issued.keys_left_behind,
            "expires_at": issued.expires_at,
            "emailed": emailed,
            "kind": kind,
        },
    )


def _person(request: HttpRequest, organization_id: Any, person_id: Any) -> tuple[Any, Any]:
    organization = selectors.organization_for_admin(
        user=request.user, organization_id=organization_id
    )
    person = selectors.person_for(user=request.user, organization=organization, person_id=person_id)
    return organization, person


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET_POST)
def person(request: HttpRequest, organization_id: Any, person_id: Any) -> HttpResponse:
    """One person: their roles here (editable), facts, and what can be done."""
    organization, person = _person(request, organization_id, person_id)
    platform = is_platform_admin(request.user)
    current = selectors.roles_in(person, organization)
    form = RolesForm(
        request.POST or None,
        include_platform_admin=platform,
        initial={"roles": sorted(current)},
    )
    if request.method == "POST" and form.is_valid():
        roles = set(form.cleaned_data["roles"])
        if not platform and Role.PLATFORM_ADMIN in current:
            roles.add(Role.PLATFORM_ADMIN)  # not offered to organization admins: kept as is
        try:
            added, removed = services.membership_roles_set(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                user=person,
                roles=roles,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if added or removed:
                messages.success(request, _("The roles were saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(
                "partners_staff:person", organization_id=organization.pk, person_id=person.pk
            )
    return render(
        request,
        "partners/staff/person.html",
        {
            "organization": organization,
            "person": person,
            "form": form,
            "roles_here": sorted(current),
            "pending_link": _pending_link(person),
            "is_self": person.pk == request.user.pk,
        },
    )


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET_POST)
def person_facts(request: HttpRequest, organization_id: Any, person_id: Any) -> HttpResponse:
    organization, person = _person(request, organization_id, person_id)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "is_mandated_reporter": person.is_mandated_reporter,
        "caseworker_training_hours": person.caseworker_training_hours,
        "caseworker_supervisor": person.caseworker_supervisor_id,
        "caseworker_has_degree_or_license": person.caseworker_has_degree_or_license,
        "caseworker_trafficking_months": person.caseworker_trafficking_months,
    }
    form = PersonFactsForm(
        request.POST or None,
        initial=initial,
        supervisors=selectors.supervisors_for(organization=organization).exclude(pk=person.pk),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_services.account_facts_update(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                user=person,
                first_name=data["first_name"],
                last_name=data["last_name"],
                is_mandated_reporter=data["is_mandated_reporter"],
                caseworker_training_hours=data["caseworker_training_hours"],
                caseworker_supervisor=data["caseworker_supervisor"],
                caseworker_has_degree_or_license=data["caseworker_has_degree_or_license"],
                caseworker_trafficking_months=data["caseworker_trafficking_months"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The details were saved."))
            return redirect(
                "partners_staff:person", organization_id=organization.pk, person_id=person.pk
            )
    return render(
        request,
        "partners/staff/person_facts.html",
        {"organization": organization, "person": person, "form": form},
    )


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET_POST)
def person_deactivate(request: HttpRequest, organization_id: Any, person_id: Any) -> HttpResponse:
    organization, person = _person(request, organization_id, person_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.staff_deactivate(actor=request.user, organization=organization, user=person)  # type: ignore[arg-type]
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The person was deactivated. Their sessions have ended."))
            return redirect("partners_staff:organization", organization_id=organization.pk)
    return render(
        request,
        "partners/staff/person_deactivate.html",
        {"organization": organization, "person": person, "errors": errors},
    )


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, reauthenticate=True, methods=GET_POST)
def person_reset(request: HttpRequest, organization_id: Any, person_id: Any) -> HttpResponse:
    """Reset a person's access (asks the admin to confirm who they are first)."""
    organization, person = _person(request, organization_id, person_id)
    keys_problem = link_keys_problem(request=request, organization=organization)
    errors: list[str] = [keys_problem] if keys_problem else []
    if request.method == "POST" and not keys_problem:
        try:
            issued = account_services.account_access_reset(
                actor=request.user,  # type: ignore[arg-type]
                user=person,
                organization=organization,
                request=request,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            return _link_issued(request, organization=organization, issued=issued)
    return render(
        request,
        "partners/staff/person_reset.html",
        {
            "organization": organization,
            "person": person,
            "errors": errors,
            "keys_problem": keys_problem,
            "is_self": person.pk == request.user.pk,
        },
    )


# --- Keys of an organization ------------------------------------------------------------


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, reauthenticate=True, methods=GET_POST)
def recovery_key_replace(request: HttpRequest, organization_id: Any) -> HttpResponse:
    """Replace the organization's recovery key (a custodian left, a copy may have been
    seen). Needs the keys in the admin's session and a fresh confirmation of who they
    are; the new key is shown once, in this answer."""
    organization = selectors.organization_for_admin(
        user=request.user, organization_id=organization_id
    )
    problem = ""
    if not organization_keys_exist(organization=organization):
        problem = _("This organization has no keys yet, so it has no recovery key.")
    elif not keyring_for(request).can_open(organization):
        problem = _(
            "You do not hold the keys of %(organization)s, so you cannot replace its"
            " recovery key. Ask one of its organization admins."
        ) % {"organization": organization.name}
    if request.method == "POST" and not problem:
        recovery_key = organization_recovery_key_replace(
            keyring=keyring_for(request),
            organization=organization,
            actor=request.user,  # type: ignore[arg-type]
        )
        return render(
            request,
            "partners/staff/recovery_key_replaced.html",
            {"organization": organization, "recovery_key": recovery_key.formatted},
        )
    return render(
        request,
        "partners/staff/recovery_key_replace.html",
        {"organization": organization, "problem": problem},
    )


# --- Audit log ----------------------------------------------------------------------------


@staff_view(roles=ADMIN_ROLES, scope=Scope.ORGANIZATION, methods=GET)
def audit_log(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = selectors.organization_for_admin(
        user=request.user, organization_id=organization_id
    )
    events = audit_events_for(user=request.user, organization=organization)
    actions = audit_actions_for(user=request.user, organization=organization)
    action = request.GET.get("action", "")
    if action in actions:
        events = events.filter(action=action)
    else:
        action = ""
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/staff/audit_log.html",
        {
            "organization": organization,
            "page": page,
            "actions": actions,
            "action": action,
            "filter_query": urlencode({"action": action}) if action else "",
        },
    )
