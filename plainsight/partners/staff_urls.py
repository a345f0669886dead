"""The staff app's Admin area (/staff/admin/)."""

from django.urls import path

from plainsight.partners import staff_views

app_name = "partners_staff"

org = "organizations/<uuid:organization_id>/"
person = org + "people/<int:person_id>/"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("organizations/", staff_views.organization_list, name="organization_list"),
    path("organizations/new/", staff_views.organization_create, name="organization_create"),
    path(org, staff_views.organization, name="organization"),
    path(org + "edit/", staff_views.organization_edit, name="organization_edit"),
    path(org + "deactivate/", staff_views.organization_deactivate, name="organization_deactivate"),
    path(org + "people/invite/", staff_views.person_invite, name="person_invite"),
    path(person, staff_views.person, name="person"),
    path(person + "details/", staff_views.person_facts, name="person_facts"),
    path(person + "deactivate/", staff_views.person_deactivate, name="person_deactivate"),
    path(person + "reset/", staff_views.person_reset, name="person_reset"),
    path(org + "recovery-key/", staff_views.recovery_key_replace, name="recovery_key_replace"),
    path(org + "audit/", staff_views.audit_log, name="audit_log"),
]
