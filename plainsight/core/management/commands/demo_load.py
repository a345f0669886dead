"""Load the demo data of every app, idempotently.

Each app that has demo data exposes ``plainsight.<app>.demo.load(stdout)``; this
command calls them in INSTALLED_APPS order. Production settings refuse: demo people
with published passwords must never exist on a real deployment.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refused under production settings."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded under production settings.")
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith("plainsight."):
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name == f"{app_config.name}.demo":
                    continue
                raise
            with transaction.atomic():
                module.load(stdout=self.stdout)
