"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest

from plainsight.accounts.models import User
from plainsight.audit.tests.factories import OrganizationFactory, UserFactory
from plainsight.partners.models import Organization


@pytest.fixture
def person(db) -> User:
    return UserFactory.create()


@pytest.fixture
def organization(db) -> Organization:
    return OrganizationFactory.create()
