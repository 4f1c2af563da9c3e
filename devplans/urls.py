from django.urls import include, path

from . import views

app_name = "devplans"

# The team dashboard and the plan templates have URL modules of their own; their
# names join this namespace (devplans:team, devplans:template_list, ...).
urlpatterns = [
    path("my-plan/", views.my_plan, name="my_plan"),
    path("my-plan/formats/", views.set_preferred_formats, name="set_preferred_formats"),
    path("", include("devplans.dashboard_urls")),
    path("plan-templates/", include("devplans.template_urls")),
]
