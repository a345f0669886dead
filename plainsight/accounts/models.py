from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Evidence Code 1038.2: 40 hours of training under a qualified supervisor, or
# an advanced degree or license plus one year of trafficking work.
CASEWORKER_TRAINING_HOURS = Decimal(40)
CASEWORKER_EXPERIENCE_MONTHS = 12


class User(AbstractUser):
    """A staff member. The public never has accounts: reporters stay anonymous."""

    email = models.EmailField(_("email address"), unique=True)
    is_demo = models.BooleanField(_("demo person"), default=False)

    # Facts the law cares about (see docs and domain facts):
    is_mandated_reporter = models.BooleanField(
        _("mandated reporter"),
        default=False,
        help_text=_("Required by law to report suspected child abuse (CANRA)."),
    )
    caseworker_training_hours = models.DecimalField(
        _("trafficking caseworker training hours"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(0),
    )
    caseworker_supervisor = models.ForeignKey(
        "self",
        verbose_name=_("training supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_caseworkers",
    )
    caseworker_has_degree_or_license = models.BooleanField(
        _("advanced degree or license"), default=False
    )
    caseworker_trafficking_months = models.PositiveIntegerField(
        _("months of trafficking casework"), default=0
    )
    # Sessions that began at or before this moment are ended at their next request
    # (deactivation, access reset): works with any session store, no session index.
    sessions_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caseworker_training_hours__gte=0),
                name="user_training_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username

    @property
    def is_qualified_caseworker(self) -> bool:
        """Whether the person meets the human trafficking caseworker definition."""
        trained = (
            self.caseworker_training_hours >= CASEWORKER_TRAINING_HOURS
            and self.caseworker_supervisor_id is not None
        )
        experienced = (
            self.caseworker_has_degree_or_license
            and self.caseworker_trafficking_months >= CASEWORKER_EXPERIENCE_MONTHS
        )
        return trained or experienced


class AccountTokenPurpose(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    ACCESS_RESET = "access_reset", _("Access reset")


class AccountToken(models.Model):
    """A one-time link that lets a person set their password (invitation or reset).

    Only a SHA-256 digest of the token is stored: the token itself (256 random bits)
    exists only in the link handed to the person, so a copy of the database cannot be
    used to take over an account.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_tokens")
    purpose = models.CharField(max_length=16, choices=AccountTokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link for the same person replaces this one.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time link")
        verbose_name_plural = _("one-time links")
        indexes = [models.Index(fields=["user", "used_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.user_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
