from django.urls import path

from . import dashboard_views

# Included by devplans/urls.py, so these names join the devplans namespace.
urlpatterns = [
    path("team/", dashboard_views.team, name="team"),
]
