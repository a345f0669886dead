"""The Admin area through HTTP: people, roles, links, audit log, organizations."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from plainsight.accounts.links import access_code_split
from plainsight.accounts.models import AccountToken, User
from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.audit.services import audit_record
from plainsight.keys.services import member_keys_grant_by_password, organization_keys_provision
from plainsight.partners.models import Membership, Organization, Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory
from plainsight.testing.authz import mark_reauthenticated

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return OrganizationFactory.create(name="Valley Advocates")


def staff_member(organization, role, **kwargs):
    user = UserFactory.create(**kwargs)
    MembershipFactory.create(user=user, organization=organization, role=role)
    enrol_totp(user)
    return user


@pytest.fixture
def admin(organization):
    return staff_member(organization, Role.ORG_ADMIN)


@pytest.fixture
def client(admin):
    client = Client()
    client.force_login(admin)
    return client


def org_url(name, organization, **kwargs):
    return reverse(f"partners_staff:{name}", kwargs={"organization_id": organization.pk, **kwargs})


def invite_data(**overrides):
    data = {
        "email": "new.advocate@example.org",
        "first_name": "Lupe",
        "last_name": "Ortiz",
        "roles": [Role.INTAKE_ADVOCATE],
        "caseworker_training_hours": "0",
        "caseworker_trafficking_months": "0",
    }
    data.update(overrides)
    return data


def test_admin_home_lists_the_organizations_one_administers(client, organization) -> None:
    other = OrganizationFactory.create(name="Somewhere Else")
    response = client.get(reverse("partners_staff:home"))
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    assert other.name not in response.content.decode()


def test_people_list_costs_the_same_queries_for_many_people(
    client, organization, django_assert_max_num_queries
) -> None:
    for role in (Role.CASE_MANAGER, Role.ANALYST):
        staff_member(organization, role)
    url = org_url("organization", organization)
    client.get(url)
    # 14, plus 2 to show who holds the organization's keys.
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for _ in range(12):
        staff_member(organization, Role.INTAKE_ADVOCATE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("@example.org") >= 15


def test_invite_shows_a_one_time_link_with_the_code_after_the_hash(client, organization) -> None:
    response = client.post(org_url("person_invite", organization), invite_data())
    assert response.status_code == 200
    link = response.context["link"]
    code = response.context["code"]
    parts = urlsplit(link)
    assert parts.path == reverse("accounts:set_password")
    assert parts.query == "" and parts.fragment == code  # browsers never send the fragment
    content = response.content.decode()
    assert link in content and f'id="access-code">{code}<' in content
    token, _keys = access_code_split(code)
    assert AccountToken.objects.get().token_hash != token
    assert len(mail.outbox) == 0  # no mail server configured

    # Without JavaScript: the person pastes the code.
    newcomer = Client()
    assert newcomer.get(parts.path).status_code == 200
    page = newcomer.post(parts.path, {"step": "code", "code": code})
    assert page.status_code == 200
    assert "new.advocate@example.org" in page.content.decode()
    response = newcomer.post(
        parts.path,
        {
            "step": "password",
            "code": code,
            "new_password1": "sunrise meadow copper",
            "new_password2": "sunrise meadow copper",
        },
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    assert newcomer.get("/staff/")["Location"] == reverse("mfa_activate_totp")


def test_invite_link_is_emailed_when_mail_is_configured(client, organization, settings) -> None:
    settings.PLAINSIGHT_SEND_EMAIL = True
    response = client.post(org_url("person_invite", organization), invite_data())
    assert response.context["emailed"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.advocate@example.org"]
    assert response.context["link"] in mail.outbox[0].body
    assert response.context["code"] in mail.outbox[0].body


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"roles": []},
        {"roles": [Role.PLATFORM_ADMIN]},
        {"caseworker_training_hours": "-4"},
        {"caseworker_trafficking_months": "many"},
        {"first_name": "", "last_name": ""},
    ],
)
def test_bad_invitations_explain_themselves_and_save_nothing(
    client, organization, overrides
) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = client.post(org_url("person_invite", organization), invite_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert b"errorlist" in response.content
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_service_errors_reach_the_form(client, organization) -> None:
    UserFactory.create(email="taken@example.org")
    response = client.post(
        org_url("person_invite", organization), invite_data(email="taken@example.org")
    )
    assert "already has an account" in response.content.decode()


def test_errors_are_translated(client, organization) -> None:
    client.cookies["plainsight_language"] = "es"
    response = client.post(org_url("person_invite", organization), invite_data(email="x"))
    assert "Introduzca una dirección de correo electrónico válida." in response.content.decode()


def test_roles_form_changes_roles(client, organization, admin) -> None:
    person = staff_member(organization, Role.CASE_MANAGER)
    url = org_url("person", organization, person_id=person.pk)
    page = client.get(url)
    assert b'value="platform_admin"' not in page.content  # not offered to organization admins
    response = client.post(url, {"roles": [Role.SUPERVISOR]})
    assert response.status_code == 302
    assert set(
        Membership.objects.filter(user=person, is_active=True).values_list("role", flat=True)
    ) == {Role.SUPERVISOR}
    assert AuditEvent.objects.filter(action="membership.role_removed", actor=admin).exists()


def test_organization_admin_keeps_a_platform_admin_role_they_cannot_see(
    client, organization
) -> None:
    person = staff_member(organization, Role.PLATFORM_ADMIN)
    client.post(org_url("person", organization, person_id=person.pk), {"roles": [Role.ANALYST]})
    assert set(
        Membership.objects.filter(user=person, is_active=True).values_list("role", flat=True)
    ) == {Role.PLATFORM_ADMIN, Role.ANALYST}


def test_removing_the_last_admin_is_explained(client, organization, admin) -> None:
    response = client.post(
        org_url("person", organization, person_id=admin.pk), {"roles": [Role.ANALYST]}
    )
    assert response.status_code == 200
    assert "at least one organization admin" in response.content.decode()
    assert Membership.objects.filter(user=admin, role=Role.ORG_ADMIN, is_active=True).exists()


def test_person_of_another_organization_is_not_found(client, organization, admin) -> None:
    elsewhere = staff_member(OrganizationFactory.create(), Role.CASE_MANAGER)
    mark_reauthenticated(client, admin)
    for name in ("person", "person_facts", "person_deactivate", "person_reset"):
        assert client.get(org_url(name, organization, person_id=elsewhere.pk)).status_code == 404
        assert client.post(org_url(name, organization, person_id=elsewhere.pk)).status_code == 404


def test_facts_form(client, organization) -> None:
    person = staff_member(organization, Role.CASE_MANAGER)
    response = client.post(
        org_url("person_facts", organization, person_id=person.pk),
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "is_mandated_reporter": "on",
            "caseworker_training_hours": "40",
            "caseworker_trafficking_months": "3",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_mandated_reporter and person.get_full_name() == "Ana Ruiz"


def test_deactivate_person(client, organization) -> None:
    person = staff_member(organization, Role.CASE_MANAGER)
    url = org_url("person_deactivate", organization, person_id=person.pk)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    person.refresh_from_db()
    assert not person.is_active


def test_reset_needs_reauthentication_then_gives_a_new_link(client, organization, admin) -> None:
    person = staff_member(organization, Role.CASE_MANAGER, password=DEFAULT_PASSWORD)
    url = org_url("person_reset", organization, person_id=person.pk)
    response = client.post(url)
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    person.refresh_from_db()
    assert person.check_password(DEFAULT_PASSWORD)  # nothing happened yet
    mark_reauthenticated(client, admin)
    response = client.post(url)
    assert response.status_code == 200
    assert f"#{response.context['code']}" in response.context["link"]
    person.refresh_from_db()
    assert not person.check_password(DEFAULT_PASSWORD)


def test_reset_with_real_password_reauthentication(organization) -> None:
    admin = staff_member(organization, Role.ORG_ADMIN, password=DEFAULT_PASSWORD)
    person = staff_member(organization, Role.CASE_MANAGER)
    client = Client()
    client.force_login(admin)
    url = org_url("person_reset", organization, person_id=person.pk)
    response = client.get(url)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get(url).status_code == 200


def test_audit_log_is_newest_first_filtered_and_paged(client, organization, admin) -> None:
    other = OrganizationFactory.create()
    for n in range(60):
        audit_record(
            actor=admin,
            action="thing.viewed",
            target_type="thing",
            target_id=n,
            organization=organization,
        )
    audit_record(
        actor=admin,
        action="thing.deleted",
        target_type="thing",
        target_id=99,
        organization=organization,
    )
    audit_record(
        actor=None, action="secret.elsewhere", target_type="thing", target_id=1, organization=other
    )
    url = org_url("audit_log", organization)
    page = client.get(url)
    events = list(page.context["page"])
    assert len(events) == 50
    assert events[0].action == "thing.deleted"
    assert "secret.elsewhere" not in page.content.decode()
    second = client.get(url, {"page": 2})
    assert len(list(second.context["page"])) > 0
    filtered = client.get(url, {"action": "thing.deleted"})
    assert [e.action for e in filtered.context["page"]] == ["thing.deleted"]
    assert "page=2" not in filtered.content.decode()
    # An unknown action is ignored rather than trusted.
    assert client.get(url, {"action": "secret.elsewhere"}).context["action"] == ""


def test_audit_log_query_count_does_not_grow(
    client, organization, admin, django_assert_max_num_queries
) -> None:
    url = org_url("audit_log", organization)
    for n in range(5):
        audit_record(actor=admin, action="a.b", target_id=n, organization=organization)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for n in range(40):
        audit_record(actor=admin, action="a.b", target_id=n, organization=organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_platform_admin_manages_organizations(organization) -> None:
    platform = staff_member(OrganizationFactory.create(name="Coalition"), Role.PLATFORM_ADMIN)
    client = Client()
    client.force_login(platform)
    url = reverse("partners_staff:organization_create")
    assert "reauthenticate" in client.get(url)["Location"]  # creating keys is a key change
    mark_reauthenticated(client, platform)
    response = client.post(
        url,
        {
            "name": "Riverside Shelter",
            "kind": "victim_services",
            "service_counties": "Kern, Kings",
            "admin_email": "director@riverside.example.org",
            "admin_first_name": "Marta",
            "admin_last_name": "Flores",
        },
    )
    created = Organization.objects.get(name="Riverside Shelter")
    assert response.status_code == 200
    assert response.context["organization"] == created
    assert created.service_counties == ["Kern", "Kings"]
    response = client.post(
        org_url("organization_edit", created),
        {"name": "Riverside Shelter", "kind": "other", "service_counties": "Kern"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.kind == "other"
    duplicate = client.post(
        url,
        {
            "name": "riverside shelter",
            "kind": "other",
            "service_counties": "",
            "admin_email": "someone.else@example.org",
            "admin_first_name": "Someone",
        },
    )
    assert "already has this name" in duplicate.content.decode()
    assert client.post(org_url("organization_deactivate", created)).status_code == 302
    created.refresh_from_db()
    assert not created.is_active
    # A platform admin may invite an organization's first admin.
    response = client.post(
        org_url("person_invite", organization),
        invite_data(roles=[Role.ORG_ADMIN]),
    )
    assert response.status_code == 200 and "link" in response.context


def test_people_without_the_organizations_keys_are_pointed_out(client, organization, admin) -> None:
    page = client.get(org_url("organization", organization)).content.decode()
    assert "has no keys yet" in page
    keyring = organization_keys_provision(organization=organization).keyring
    holder = staff_member(organization, Role.CASE_MANAGER, password=DEFAULT_PASSWORD)
    member_keys_grant_by_password(
        keyring=keyring, organization=organization, user=holder, password=DEFAULT_PASSWORD
    )
    staff_member(organization, Role.ANALYST, password=DEFAULT_PASSWORD)  # no keys
    page = client.get(org_url("organization", organization)).content.decode()
    assert "has no keys yet" not in page
    # The analyst has no keys (the admin, without a usable password here, "needs a link").
    assert page.count("No keys: reset their access to give them") == 1
