"""Key custody and encryption for PlainSight (see docs/decisions/0002-key-custody.md).

Where to find what:

* ``plainsight.keys.services`` — custody changes: ``organization_keys_provision``,
  ``member_keys_grant_by_password``, ``pending_grant_create`` / ``pending_grants_create``,
  ``pending_grant_redeem``, ``member_keys_rewrap``, ``member_keys_revoke``,
  ``member_keys_discard_all``, ``recovery_unwrap``, ``organization_recovery_key_replace``,
  ``pending_grants_purge_expired`` and ``keyring_unlock_at_login``.
* ``plainsight.keys.selectors`` — ``keyring_for(request)``, ``pending_grant_for_link``,
  ``organization_keys_exist``, ``organization_keys_status``,
  ``organizations_without_keys_for``, ``pending_grant_exists_for``.
* ``plainsight.keys.data`` — ``seal_to_organization``, ``open_sealed``,
  ``encrypt_for_organization``, ``decrypt``, ``blind_index``, ``reencrypt_for_referral``.
* ``plainsight.keys.errors`` — ``KeysLocked``, ``OrganizationKeysMissing``, ...
* ``plainsight.keys.middleware.KeyringMiddleware`` — the keyring cookie and "keys locked".
"""
