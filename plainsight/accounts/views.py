"""The person's own account pages, and the one-time link to choose a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plainsight.accounts import services
from plainsight.accounts.access import Scope, account_view, active_memberships, public_view
from plainsight.accounts.forms import PasswordChangeForm, SetPasswordForm, attach_errors
from plainsight.accounts.selectors import account_token_for

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@account_view()
def account_home(request: HttpRequest) -> HttpResponse:
    memberships = (
        active_memberships(request.user)
        .select_related("organization")
        .order_by("organization__name", "role")
    )
    return render(request, "account/home.html", {"memberships": memberships})


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "account/link_invalid.html", status=400)


@public_view(
    reason="the one-time link (256-bit token, stored hashed, one use, expiring) is the credential",
    methods=("GET", "HEAD", "POST"),
)
def set_password_from_link(request: HttpRequest) -> HttpResponse:
    """Accept an invitation or use a reset link. The token travels in the query string
    and the form body, never in the path (access logs record paths)."""
    if request.method == "POST":
        form = SetPasswordForm(request.POST)
        token = request.POST.get("token", "")
    else:
        token = request.GET.get("token", "")
        form = SetPasswordForm(initial={"token": token})
    record = account_token_for(token=token)
    if record is None:
        return _invalid_link(request)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_password_set_from_token(
                token=form.cleaned_data["token"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except services.InvalidToken:
            return _invalid_link(request)
        except ValidationError as error:
            attach_errors(form, _password_errors(error))
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                _("Your password is set. Now add a second factor: it is needed at every login."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
    return render(
        request,
        "account/set_password.html",
        {"form": form, "link": record, "person": record.user},
    )


def _password_errors(error: ValidationError) -> ValidationError:
    """Password validators raise plain errors; they belong to the new-password field."""
    if hasattr(error, "error_dict"):
        return error
    return ValidationError({"new_password1": error.error_list})


@account_view(scope=Scope.OWN, methods=("GET", "HEAD", "POST"))
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_password_change(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ValidationError as error:
            attach_errors(form, _password_errors(error))
        else:
            # This session stays; every other session of the person ends.
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:home")
    return render(request, "account/password_change.html", {"form": form})
