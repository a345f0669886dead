from django.urls import path

from plainsight.core import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.staff_home, name="home"),
]
