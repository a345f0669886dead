"""Stored key material: public keys in clear, private parts only wrapped.

Nothing here can open data on its own. Each wrap needs something the server never
stores: a person's password, the offline recovery key, or a one-time link's secret.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKeys(models.Model):
    """An organization's public key (in clear) and its bundle under the recovery key."""

    organization = models.OneToOneField(
        "partners.Organization",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    key_version = models.PositiveSmallIntegerField(_("key version"), default=1)
    public_key = models.BinaryField(_("public key"), max_length=32)
    # The private key and data key, wrapped under the offline recovery key.
    recovery_wrap = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    recovery_replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("organization keys")
        verbose_name_plural = _("organization keys")

    def __str__(self) -> str:
        return f"keys v{self.key_version} of {self.organization_id}"


class MemberKeyWrap(models.Model):
    """An organization's bundle wrapped under a key derived from one person's password."""

    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="keys_one_wrap_per_member"
            )
        ]
        verbose_name = _("member key wrap")
        verbose_name_plural = _("member key wraps")

    def __str__(self) -> str:
        return f"wrap of {self.organization_id} for user {self.user_id}"


class PendingGrant(models.Model):
    """A one-time grant: the bundle wrapped under the secret of an invitation or reset link.

    Only a hash of the link's lookup id is stored, never the secret or a hash of it: the
    wrap's authentication tag is the only check, and it needs the 256-bit secret.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link_hash = models.CharField(max_length=64, db_index=True)
    wrapped = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="keys_one_pending_grant")
        ]
        verbose_name = _("pending key grant")
        verbose_name_plural = _("pending key grants")

    def __str__(self) -> str:
        return f"pending grant {self.pk}"
