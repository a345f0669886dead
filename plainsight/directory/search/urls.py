"""Public "Find help" pages, mounted under the language prefix (/en/find-help/…)."""

from django.urls import path

from plainsight.directory.search import views

app_name = "find_help"

urlpatterns = [
    path("", views.find_help, name="search"),
    path("service/<uuid:service_id>/", views.service_detail, name="service"),
    path("service/<uuid:service_id>/print/", views.service_print, name="print"),
]
