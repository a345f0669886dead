"""allauth adapters: closed sign-up; second-factor seeds stored encrypted."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from plainsight.accounts.adapters import StaffAccountAdapter, StaffMFAAdapter


def test_sign_up_is_closed() -> None:
    assert not StaffAccountAdapter().is_open_for_signup(RequestFactory().get("/"))


def test_secrets_round_trip_and_survive_a_key_rotation(settings) -> None:
    adapter = StaffMFAAdapter()
    sealed = adapter.encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert adapter.decrypt(sealed) == "JBSWY3DPEHPK3PXP"
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert adapter.decrypt(sealed) == "JBSWY3DPEHPK3PXP"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError):
        adapter.decrypt(sealed)


def test_secrets_stored_before_encryption_still_read() -> None:
    assert StaffMFAAdapter().decrypt("JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"
