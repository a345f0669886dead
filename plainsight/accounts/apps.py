from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plainsight.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from plainsight.accounts import signals

        signals.connect()
