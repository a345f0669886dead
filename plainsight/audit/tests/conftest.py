"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest

from plainsight.accounts.models import User
from plainsight.accounts.tests.factories import UserFactory
from plainsight.partners.models import Organization
from plainsight.partners.tests.factories import OrganizationFactory


@pytest.fixture
def person(db) -> User:
    return UserFactory.create()


@pytest.fixture
def organization(db) -> Organization:
    return OrganizationFactory.create()
