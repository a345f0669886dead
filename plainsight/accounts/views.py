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
from plainsight.accounts.forms import AccessCodeForm, PasswordChangeForm, SetPasswordForm
from plainsight.accounts.selectors import AccessLink, CodeProblem, access_link_for
from plainsight.core.forms import attach_errors

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@account_view()
def account_home(request: HttpRequest) -> HttpResponse:
    memberships = (
        active_memberships(request.user)
        .select_related("organization")
        .order_by("organization__name", "role")
    )
    return render(request, "account/home.html", {"memberships": memberships})


def _code_page(request: HttpRequest, form: AccessCodeForm, *, status: int = 200) -> HttpResponse:
    return render(request, "account/access_code.html", {"form": form}, status=status)


def _code_refused(request: HttpRequest, code: str, problem: CodeProblem) -> HttpResponse:
    """The code form again, saying why the code does not work (nothing was saved)."""
    message = (
        services.incomplete_code_message()
        if problem == CodeProblem.INCOMPLETE
        else _(
            "This link does not work any more. It may have been used already, replaced by a"
            " newer one, or it has expired. Ask your organization's admin for a new link."
        )
    )
    form = AccessCodeForm({"code": code})
    form.is_valid()
    form.add_error("code", message)
    return _code_page(request, form, status=400)


def _password_page(
    request: HttpRequest, form: SetPasswordForm, link: AccessLink, *, status: int = 200
) -> HttpResponse:
    record = link.record
    assert record is not None
    return render(
        request,
        "account/set_password.html",
        {
            "form": form,
            "link": record,
            "person": record.user,
            "carries_keys": bool(link.keys_secret),
        },
        status=status,
    )


@public_view(
    reason=(
        "the one-time link's access code (a 256-bit account token stored hashed, one use,"
        " expiring, plus the keys' link secret) is the credential; it arrives after '#'"
        " and then only in POST bodies"
    ),
    methods=("GET", "HEAD", "POST"),
)
def set_password_from_link(request: HttpRequest) -> HttpResponse:
    """Accept an invitation or use a reset link, in two steps on one URL.

    1. The access code (``plainsight.accounts.links``): access-link.js copies it from
       the link's ``#`` part and sends it; without JavaScript the person pastes it.
    2. The new password, with the code carried in a hidden field.

    The code never appears in a URL the server sees (paths and query strings reach
    access logs), only in POST bodies.
    """
    if request.method != "POST":
        return _code_page(request, AccessCodeForm())
    if request.POST.get("step") != "password":
        form = AccessCodeForm(request.POST)
        if not form.is_valid():
            return _code_page(request, form, status=400)
        code = form.cleaned_data["code"]
        link = access_link_for(code=code)
        if not link.ok:
            return _code_refused(request, code, link.problem)
        return _password_page(request, SetPasswordForm(initial={"code": code}), link)

    password_form = SetPasswordForm(request.POST)
    code = request.POST.get("code", "")
    link = access_link_for(code=code)
    if not link.ok:
        return _code_refused(request, code, link.problem)
    if password_form.is_valid():
        password = password_form.cleaned_data["new_password1"]
        try:
            user = services.account_password_set_from_token(
                token=link.token,
                keys_secret=link.keys_secret,
                new_password=password,
                request=request,
            )
        except services.InvalidToken:
            return _code_refused(request, code, CodeProblem.INVALID)
        except services.InvalidAccessCode:
            return _code_refused(request, code, CodeProblem.INCOMPLETE)
        except ValidationError as error:
            attach_errors(password_form, _password_errors(error))
        else:
            login(request, user, backend=LOGIN_BACKEND)
            # The password just chosen opens the keys it was just given.
            services.account_login_password_verified(request=request, user=user, password=password)
            messages.success(
                request,
                _("Your password is set. Now add a second factor: it is needed at every login."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
    return _password_page(request, password_form, link)


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
