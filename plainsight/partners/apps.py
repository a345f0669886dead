from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "plainsight.partners"
    label = "partners"
    verbose_name = "Partners"
