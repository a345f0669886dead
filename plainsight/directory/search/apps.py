from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectorySearchConfig(AppConfig):
    name = "plainsight.directory.search"
    label = "directory_search"
    verbose_name = _("Resource directory search")
