"""Forms of the organization screens (rules live in services.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plainsight.partners.models import OrganizationKind


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    service_counties = forms.CharField(
        label=_("Counties served"),
        required=False,
        max_length=2000,
        help_text=_("Separate counties with commas, for example: Kern, Tulare"),
    )

    def clean_service_counties(self) -> list[str]:
        raw = self.cleaned_data.get("service_counties") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]


class OrganizationSetUpForm(OrganizationForm):
    """A new organization and its first admin (who receives its keys)."""

    admin_email = forms.EmailField(label=_("First admin's email address"), max_length=150)
    admin_first_name = forms.CharField(label=_("First admin's first name"), max_length=150)
    admin_last_name = forms.CharField(
        label=_("First admin's last name"), max_length=150, required=False
    )
