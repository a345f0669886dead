"""Organizations of the coalition and who works in them, with which role."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    COALITION = "coalition", _("Coalition")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    TRIBAL_PROGRAM = "tribal_program", _("Tribal community program")
    FAMILY_JUSTICE_CENTER = "family_justice_center", _("Family justice center")
    SCHOOL_PARTNER = "school_partner", _("School partner")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    INTAKE_ADVOCATE = "intake_advocate", _("Intake advocate")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    PREVENTION_EDUCATOR = "prevention_educator", _("Prevention educator")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organization admin")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


class Organization(models.Model):
    """A partner of the coalition (the coalition itself is one too)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    # Counties served, as names ("Kern", "Tulare"); a list keeps SQLite and PostgreSQL alike.
    service_counties = models.JSONField(_("counties served"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role of one person in one organization. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"
