from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryUpkeepConfig(AppConfig):
    name = "plainsight.directory.upkeep"
    label = "directory_upkeep"
    verbose_name = _("Resource directory upkeep")
