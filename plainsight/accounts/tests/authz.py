"""Sample objects for the authorization matrix: second-factor pages (allauth)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

from plainsight.testing.authz import World, sample


@sample("mfa_remove_webauthn", "mfa_edit_webauthn")
def security_key_of_owner(world: World) -> dict[str, Any]:
    key = Authenticator.objects.create(
        user=world.owner,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Test key", "credential": {}},
    )
    return {"pk": key.pk}
