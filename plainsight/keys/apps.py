from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "plainsight.keys"
    label = "keys"
    verbose_name = "Key custody"

    def ready(self) -> None:
        from plainsight.keys import checks  # noqa: F401 — registers the system checks
