"""Staff URLs of directory upkeep, mounted at /staff/directory/."""

from django.urls import path

from plainsight.directory.upkeep import views

app_name = "directory_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/verify/", views.service_verify, name="service_verify"),
    path("services/<uuid:service_id>/capacity/", views.service_capacity, name="capacity"),
    path("locations/<uuid:location_id>/edit/", views.location_edit, name="location_edit"),
    path(
        "organizations/<uuid:organization_id>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path("stale/", views.stale, name="stale"),
    path("reports/", views.reports, name="reports"),
    path("reports/<uuid:report_id>/decide/", views.report_decide, name="report_decide"),
    path("imports/", views.imports, name="imports"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("export/", views.export, name="export"),
    path("export/<uuid:job_id>/", views.export_job, name="export_job"),
    path("export/<uuid:job_id>/download/", views.export_download, name="export_download"),
]
