from django.urls import path

from plainsight.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("safety/", views.safety, name="safety"),
]
