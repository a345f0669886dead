"""Demo keys: idempotent provisioning and grants, never for real organizations."""

from __future__ import annotations

import pytest

from plainsight.accounts.tests.factories import UserFactory
from plainsight.audit.models import AuditEvent
from plainsight.keys.crypto import parse_recovery_key
from plainsight.keys.demo_support import demo_keys_ensure
from plainsight.keys.errors import KeysError
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys
from plainsight.keys.services import keyring_unlock_with_password
from plainsight.keys.tests.conftest import PASSWORD
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_keys_are_provisioned_and_granted_idempotently() -> None:
    organization = OrganizationFactory.create(is_demo=True)
    first = UserFactory.create(password=PASSWORD)
    MembershipFactory.create(user=first, organization=organization)
    recovery_key = demo_keys_ensure(organization=organization, passwords={first: PASSWORD})
    assert recovery_key is not None and parse_recovery_key(recovery_key)
    assert keyring_unlock_with_password(user=first, password=PASSWORD).can_open(organization)

    # Second run: nothing new; a person added later gets keys from an existing holder.
    second = UserFactory.create(password=PASSWORD)
    MembershipFactory.create(user=second, organization=organization)
    assert (
        demo_keys_ensure(organization=organization, passwords={first: PASSWORD, second: PASSWORD})
        is None
    )
    assert OrganizationKeys.objects.count() == 1
    assert MemberKeyWrap.objects.count() == 2
    assert not AuditEvent.objects.filter(action="keys.recovery_used").exists()

    # Nobody holds keys any more: the recovery key from the credentials file is used.
    MemberKeyWrap.objects.all().delete()
    assert (
        demo_keys_ensure(
            organization=organization, passwords={second: PASSWORD}, recovery_key=recovery_key
        )
        == recovery_key
    )
    assert keyring_unlock_with_password(user=second, password=PASSWORD).can_open(organization)


def test_demo_keys_refuse_real_organizations() -> None:
    organization = OrganizationFactory.create(is_demo=False)
    with pytest.raises(KeysError):
        demo_keys_ensure(organization=organization, passwords={})
    assert not OrganizationKeys.objects.exists()
