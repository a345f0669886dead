from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "plainsight.scheduler"
    label = "scheduler"
    verbose_name = "Scheduler and system alerts"
