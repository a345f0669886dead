"""Fixtures for the scheduler tests."""

from __future__ import annotations

import pytest

from plainsight.accounts.models import User
from plainsight.accounts.tests.factories import enrol_totp
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory


@pytest.fixture
def platform_admin(db) -> User:
    user = MembershipFactory.create(role=Role.PLATFORM_ADMIN).user
    enrol_totp(user)
    return user


@pytest.fixture
def case_manager(db) -> User:
    return MembershipFactory.create(role=Role.CASE_MANAGER).user
