from django.urls import path

from . import views

app_name = "devplans"

urlpatterns = [
    path("", views.my_plan, name="my_plan"),
    path("formats/", views.set_preferred_formats, name="set_preferred_formats"),
]
