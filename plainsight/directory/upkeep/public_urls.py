"""Public URLs of the upkeep app, mounted under /<lang>/find-help/."""

from django.urls import path

from plainsight.directory.upkeep import public_views

app_name = "directory_report"

urlpatterns = [
    path("service/<uuid:service_id>/report/", public_views.report_problem, name="report"),
    path("service/<uuid:service_id>/report/thanks/", public_views.report_thanks, name="thanks"),
]
