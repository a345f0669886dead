from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
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
