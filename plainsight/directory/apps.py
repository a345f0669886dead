from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "plainsight.directory"
    label = "directory"
    verbose_name = _("Resource directory")

    def ready(self) -> None:
        post_migrate.connect(_substring_indexes_ensure, sender=self)
        post_migrate.connect(_statistics_refresh, sender=self)


def _substring_indexes_ensure(using: str, **kwargs: Any) -> None:
    # A migration that rebuilt a searched table on SQLite dropped its triggers.
    from django.db import connections

    from plainsight.directory import substring

    substring.ensure(connections[using])


def _statistics_refresh(using: str, **kwargs: Any) -> None:
    # A migration that rebuilt a table on SQLite dropped its planner statistics, and
    # SQLite without them takes any indexed condition for a selective one.
    from django.db import connections

    from plainsight.directory.services import directory_statistics_refresh

    if connections[using].vendor == "sqlite":
        directory_statistics_refresh(connections[using])
