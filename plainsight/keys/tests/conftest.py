"""Fixtures of the key-custody tests."""

from __future__ import annotations

import nacl.pwhash
import pytest

from plainsight.accounts.tests.factories import UserFactory
from plainsight.keys.services import organization_keys_provision
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_argon2(settings):
    """libsodium's minimum Argon2id limits keep property tests fast (the root conftest
    does the same for every test); ``test_real_argon2_limits_*`` use the real ones."""
    settings.KEYS_ARGON2_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN
    settings.KEYS_ARGON2_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN
    # Django's own password hash (Argon2id too) is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organization(db):
    return OrganizationFactory.create()


@pytest.fixture
def provisioned(organization):
    return organization_keys_provision(organization=organization)


@pytest.fixture
def member(organization):
    user = UserFactory.create(password=PASSWORD)
    MembershipFactory.create(user=user, organization=organization)
    return user
