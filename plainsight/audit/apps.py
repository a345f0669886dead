from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "plainsight.audit"
    label = "audit"
    verbose_name = "Audit log"
