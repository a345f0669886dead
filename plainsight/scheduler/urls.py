from django.urls import path

from plainsight.scheduler import views

app_name = "system_alerts"

urlpatterns = [
    path("<int:alert_id>/resolve/", views.system_alert_resolve_view, name="resolve"),
]
