from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plainsight.core"
    label = "core"
    verbose_name = "PlainSight core"
