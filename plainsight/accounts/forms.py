"""Forms of the account pages and the admin screens for people.

Forms only shape input; the rules live in ``services.py``, whose ValidationErrors
are attached back to these forms by the views.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plainsight.accounts.models import User
from plainsight.partners.models import Role


class _LockoutAwareMixin:
    """The second-factor step refuses codes while the account is locked out.

    Failed codes count towards the same lockout as failed passwords (see
    ``plainsight.accounts.signals``), so guessing codes is as limited as guessing
    passwords.
    """

    user: Any

    def clean_code(self) -> str:
        request = context.request
        if AxesProxyHandler.is_locked(request, {"email": self.user.email}):
            raise forms.ValidationError(
                gettext("Too many failed attempts. Please try again later."), code="locked"
            )
        return super().clean_code()  # type: ignore[misc]


class StaffMFAAuthenticateForm(_LockoutAwareMixin, AuthenticateForm):
    pass


class StaffMFAReauthenticateForm(_LockoutAwareMixin, ReauthenticateForm):
    pass


class AccessCodeForm(forms.Form):
    """The code of a one-time link (filled in from the link by access-link.js, or pasted)."""

    code = forms.CharField(
        label=_("Access code"),
        max_length=300,
        help_text=_(
            "The long code at the end of your link, after the # sign, or the access code"
            " your admin gave you."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )


class _NewPasswordForm(forms.Form):
    """A new password, typed twice."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. A few unrelated words make a strong password that is"
            " easy to remember."
        ),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", gettext("The two passwords do not match."))
        return data


class SetPasswordForm(_NewPasswordForm):
    """Choose a password (from an invitation or a reset link)."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=300)
    field_order = ["code"]  # inherited fields would come first


class PasswordChangeForm(_NewPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password"]  # asked before the new one, not after


def role_choices(*, include_platform_admin: bool) -> list[tuple[str, Any]]:
    return [
        (value, label)
        for value, label in Role.choices
        if include_platform_admin or value != Role.PLATFORM_ADMIN
    ]


class PersonFactsForm(forms.Form):
    """Name and the facts the law cares about (CANRA; Evidence Code 1038.2)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    is_mandated_reporter = forms.BooleanField(
        label=_("Mandated reporter"),
        required=False,
        help_text=_("Required by law to report suspected child abuse (CANRA)."),
    )
    caseworker_training_hours = forms.DecimalField(
        label=_("Trafficking caseworker training hours"),
        min_value=Decimal(0),
        max_value=Decimal("9999.9"),
        decimal_places=1,
        max_digits=6,
        initial=Decimal(0),
        help_text=_("Evidence Code 1038.2 asks for 40 hours under a qualified supervisor."),
    )
    caseworker_supervisor = forms.ModelChoiceField(
        label=_("Training supervisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No supervisor"),
    )
    caseworker_has_degree_or_license = forms.BooleanField(
        label=_("Has an advanced degree or license"), required=False
    )
    caseworker_trafficking_months = forms.IntegerField(
        label=_("Months of trafficking casework"),
        min_value=0,
        max_value=1200,
        initial=0,
        help_text=_("A degree or license plus 12 months of this work also qualifies."),
    )

    def __init__(self, *args: Any, supervisors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if supervisors is not None:
            field = self.fields["caseworker_supervisor"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = supervisors

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("first_name") or "").strip() and not (data.get("last_name") or "").strip():
            self.add_error("first_name", gettext("Enter the person's name."))
        return data


class InviteForm(PersonFactsForm):
    email = forms.EmailField(label=_("Email address"), max_length=150)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    field_order = ["email", "first_name", "last_name", "roles"]

    def __init__(self, *args: Any, include_platform_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = self.fields["roles"]
        assert isinstance(roles, forms.MultipleChoiceField)
        roles.choices = role_choices(include_platform_admin=include_platform_admin)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )

    def __init__(self, *args: Any, include_platform_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = self.fields["roles"]
        assert isinstance(roles, forms.MultipleChoiceField)
        roles.choices = role_choices(include_platform_admin=include_platform_admin)
