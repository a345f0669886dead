"""The authorization matrix: every staff URL, every role, two organizations.

For each URL pattern under /staff/ (and /api/, when an API exists) this checks, from
the access policy the view declares (``plainsight.accounts.access``):

* anonymous visitors are sent to the login page (GET and POST);
* people without one of the view's roles get 403 (GET and POST), including someone
  signed in with no role at all;
* people with the right role in *another* organization get 404 or 403 for an
  organization's objects (GET and POST);
* people with the right role get 200 (after re-authentication where the view asks
  for it).

A view nobody classified, or a URL with parameters but no sample object, fails here.
To add your views: decorate them (``staff_view`` / ``account_view`` /
``public_view``) and, for URLs with parameters, register a sample builder in
``plainsight/<app>/tests/authz.py`` (see ``plainsight/testing/authz.py``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, include, path, reverse
from django.urls.resolvers import RegexPattern

from plainsight.accounts.access import (
    ALL_ROLES,
    CROSS_ORGANIZATION_ROLES,
    AccessPolicy,
    Kind,
    Scope,
    policy_of,
    staff_view,
)
from plainsight.testing.authz import (
    SAMPLES,
    World,
    build_world,
    discover_samples,
    mark_reauthenticated,
)
from plainsight.testing.urls import Route, iter_routes

PROTECTED_PREFIXES = ("/staff/", "/api/")


def protected_routes(resolver: Any = None) -> list[Route]:
    return [
        route for route in iter_routes(resolver) if route.sample_path.startswith(PROTECTED_PREFIXES)
    ]


def unclassified(routes: list[Route]) -> list[str]:
    return [
        f"{route.name} ({route.pattern})"
        for route in routes
        if policy_of(route.callback, route.name) is None
    ]


ROUTES = protected_routes()
discover_samples()


def _has_parameters(route: Route) -> bool:
    return bool(re.search(r"<[^>]+>|\(\?P<", route.pattern))


def _url(route: Route, world: World) -> str:
    if not _has_parameters(route):
        return route.sample_path
    builder = SAMPLES.get(route.name)
    assert builder is not None, (
        f"{route.name} has parameters but no sample builder: register one in "
        "plainsight/<app>/tests/authz.py (see plainsight/testing/authz.py)"
    )
    return reverse(route.name, kwargs=builder(world))


def _login_path() -> str:
    return resolve_url(settings.LOGIN_URL)


def _assert_sent_to_login(response: HttpResponse, where: str) -> None:
    assert response.status_code == 302, (
        f"{where}: expected redirect to login, got {response.status_code}"
    )
    assert response["Location"].startswith(_login_path()), f"{where}: {response['Location']}"


def _client_for(user: Any, *, reauthenticated: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if reauthenticated:
        mark_reauthenticated(client, user)
    return client


def test_there_are_staff_routes_to_check() -> None:
    names = {route.name for route in ROUTES}
    assert "staff:home" in names and "partners_staff:home" in names
    assert len(ROUTES) > 20


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_staff_view_is_classified(route: Route) -> None:
    assert policy_of(route.callback, route.name) is not None, (
        f"{route.name} ({route.pattern}) has no access policy: decorate it with "
        "staff_view / account_view / public_view from plainsight.accounts.access"
    )


def _unclassified_view(request: Any) -> HttpResponse:
    return HttpResponse("nobody decided who may see this")


@staff_view(roles={"case_manager"})
def _classified_view(request: Any) -> HttpResponse:
    return HttpResponse("ok")


def test_an_unclassified_view_is_detected() -> None:
    """The check above can fail: a new view without a policy is reported."""
    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            path(
                "staff/",
                include(
                    (
                        [
                            path("new/", _unclassified_view, name="new"),
                            path("ok/", _classified_view, name="ok"),
                        ],
                        "fake",
                    )
                ),
            )
        ],
    )
    assert unclassified(protected_routes(resolver)) == ["fake:new (staff/new/)"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_access_matrix(route: Route) -> None:
    policy = policy_of(route.callback, route.name)
    assert policy is not None, f"{route.name} is not classified"
    world = build_world()
    if policy.kind == Kind.PUBLIC:
        url = _url(route, world) if route.name in SAMPLES else route.sample_path
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code < 500, f"anonymous {method} {url}"
        return
    url = _url(route, world)
    for method in ("get", "post"):
        _assert_sent_to_login(getattr(Client(), method)(url), f"anonymous {method} {url}")
    if policy.kind == Kind.LOGIN_STAGE:
        return
    if policy.kind == Kind.AUTHENTICATED:
        _check_authenticated(policy, url, world, route)
        return
    _check_staff(policy, url, world)


def _check_authenticated(policy: AccessPolicy, url: str, world: World, route: Route) -> None:
    if policy.scope == Scope.OWN and _has_parameters(route):
        owner = _client_for(world.owner, reauthenticated=True).get(url)
        assert owner.status_code == 200, f"owner GET {url}: {owner.status_code}"
        for someone in (world.person("case_manager", "b"), world.person("org_admin", "a")):
            client = _client_for(someone, reauthenticated=True)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (
                    f"{someone.email} {method} {url}: {response.status_code}"
                )
        return
    # Pages about one's own account: any signed-in person may open them (404 when they
    # have nothing of that kind yet, e.g. no recovery codes).
    for user in (world.outsider, world.person("intake_advocate")):
        response = _client_for(user, reauthenticated=True).get(url)
        assert response.status_code in (200, 302, 404), (
            f"{user.email} GET {url}: {response.status_code}"
        )
        if response.status_code == 302:
            assert not response["Location"].startswith(_login_path()), url


def _check_staff(policy: AccessPolicy, url: str, world: World) -> None:
    wrong_roles = sorted(ALL_ROLES - policy.roles)
    refused = [world.outsider] + [world.person(role, "a") for role in wrong_roles]
    for user in refused:
        client = _client_for(user, reauthenticated=True)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, (
                f"{user.email} {method} {url}: {response.status_code}"
            )

    for role in sorted(policy.roles):
        user = world.person(role, "a")
        if policy.reauthenticate:
            response = _client_for(user).get(url)
            assert response.status_code == 302, f"{role} GET {url} without re-authentication"
            assert response["Location"].startswith(
                (reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))
            ), url
        client = _client_for(user, reauthenticated=True)
        response = client.get(url)
        if response.status_code == 405:
            # A POST-only action: the right role gets through (an empty form may be
            # refused as bad input, 400, but never as forbidden).
            response = client.post(url)
            assert response.status_code in (200, 302, 400), (
                f"{role} POST {url}: {response.status_code}"
            )
        else:
            assert response.status_code == 200, f"{role} GET {url}: {response.status_code}"

    if policy.scope == Scope.ORGANIZATION:
        for role in sorted(
            policy.roles - CROSS_ORGANIZATION_ROLES - policy.cross_organization_roles
        ):
            user = world.person(role, "b")
            client = _client_for(user, reauthenticated=True)
            statuses = []
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                # 405: a view refuses a method it does not serve before looking anything
                # up; the method it does serve must then refuse (403/404).
                assert response.status_code in (403, 404, 405), (
                    f"{role} of another organization {method} {url}: {response.status_code}"
                )
                statuses.append(response.status_code)
            assert set(statuses) & {403, 404}, f"{role} of another organization {url}: {statuses}"
